"""``{% load djdesk_native %}``: the native-bridge script and the offline indicator.

``{% djdesk_native %}`` renders the script tag (external, deferred: the desktop CSP
allows no inline script); ``{% djdesk_offline_indicator %}`` renders a hidden status
element the script shows while the network or the local server is unreachable.
"""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from djdesk_electron_kit import conf

register = template.Library()

SCRIPT = "djdesk_electron_kit/djdesk-native.js"


def _health_url() -> str:
    try:
        return reverse("djdesk_electron_kit:health")
    except NoReverseMatch:
        return ""  # not mounted: the indicator relies on navigator.onLine alone


@register.simple_tag
def djdesk_native() -> SafeString:
    return format_html(
        '<script src="{}" data-health-url="{}" data-poll-ms="{}" defer></script>',
        static(SCRIPT),
        _health_url(),
        conf.get().OFFLINE_POLL_MS,
    )


@register.simple_tag
def djdesk_offline_indicator() -> SafeString:
    return format_html(
        '<p class="djdesk-offline" data-djdesk-offline role="status" aria-live="polite" hidden>'
        '<span data-when="offline" hidden>{}</span>'
        '<span data-when="unreachable" hidden>{}</span></p>',
        gettext("You are offline."),
        gettext("The app's local server is not answering."),
    )
