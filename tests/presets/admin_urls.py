"""The admin on its own, for admin tests that must not import other djdesk URLconfs."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
