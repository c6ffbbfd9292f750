"""A stand-in for the inspector dashboard's exports section, built the way the lead's
template will be: the panel included with datalab_poll="dashboard", dashboard.js polling.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path, reverse

from djdesk_inspector import status
from djdesk_inspector.models import Workspace
from tests.urls import urlpatterns as base_patterns

PAGE = """{% load static %}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dashboard stand-in</title>
<link rel="stylesheet" href="{% static 'djdesk_inspector/css/dashboard.css' %}"></head>
<body><div class="dashboard" id="dashboard" data-status-url="{{ status_url }}"
 data-models-url="" data-poll-interval="400" data-workspace="{{ current.slug }}">
<section class="panel wide" data-section="exports" aria-labelledby="h-exports">
<h2 id="h-exports">Exports</h2>
{% include "djdesk_datalab/panel.html" with datalab_workspace=current.slug datalab_poll="dashboard" %}
</section></div>
{{ payload|json_script:"djdesk-initial-status" }}
<script type="module" src="{% static 'djdesk_inspector/js/dashboard.js' %}"></script>
<script type="module" src="{% static 'djdesk_datalab/js/panel.js' %}"></script>
</body></html>"""


def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    current = Workspace.objects.get(slug=slug)
    context = {
        "current": current,
        "payload": status.build(current),
        "status_url": reverse("djdesk_inspector:api-status", args=[slug]),
    }
    return HttpResponse(engines["django"].from_string(PAGE).render(context, request))


urlpatterns = [*base_patterns, path("stand-in/<slug:slug>/", dashboard)]
