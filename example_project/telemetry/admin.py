from django.contrib import admin

from telemetry.models import Reading, Station

admin.site.register(Station)
admin.site.register(Reading)
