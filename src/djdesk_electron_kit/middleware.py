"""Only the desktop shell may talk to the local server.

Any local process, and any web page the user opens, can reach ``127.0.0.1:<port>``.
So every request, static files and the admin included (this middleware sits before
WhiteNoise), must:

1. name the bound address in ``Host`` (else 400: defeats DNS rebinding);
2. not come from another site (``Sec-Fetch-Site`` cross-site/same-site: 403; cookies
   ignore ports, so a page on another loopback port counts as same-site);
3. carry the launch token: the ``X-DJDesk-Token`` header the shell injects, or the
   HttpOnly SameSite=Strict cookie set by ``/djdesk/desktop/bootstrap/?token=...``
   (else 403).

Every response gets a strict CSP and isolation headers. CSRF protection stays on
behind this. Without a token (plain ``runserver``) the middleware steps aside, and
the ``djdesk_electron_kit.W010`` check says so.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import cached_property

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.urls import NoReverseMatch, reverse

from djdesk_electron_kit import runtime
from djdesk_inspector.kernel.permissions import DESKTOP_MARKER

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    # Only features Chromium (Electron) recognises: an unknown one ("bluetooth",
    # "interest-cohort") logs a console warning on every page.
    (
        "Permissions-Policy",
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
        "hid=(), midi=(), display-capture=()",
    ),
)
META_HEADER = "HTTP_" + runtime.TOKEN_HEADER.upper().replace("-", "_")
FOREIGN_SITES = frozenset({"cross-site", "same-site"})


def matches(candidate: str | None, token: str) -> bool:
    if not candidate:
        return False
    return hmac.compare_digest(candidate.encode("utf-8", "replace"), token.encode("utf-8"))


def carries_token(request: HttpRequest, token: str) -> bool:
    """The header the shell injects, or the cookie the bootstrap set."""
    return matches(request.META.get(META_HEADER), token) or matches(
        request.COOKIES.get(runtime.cookie_name()), token
    )


def host_allowed(host: str) -> bool:
    exact = runtime.allowed_hosts()
    host = host.lower()
    if exact is not None:
        return host in exact
    name, _, port = host.rpartition(":") if host.count(":") == 1 else (host, "", "")
    return name in runtime.LOCAL_NAMES and (not port or port.isdigit())


class DesktopMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @cached_property
    def bootstrap_path(self) -> str | None:
        try:
            return reverse("djdesk_electron_kit:bootstrap")
        except NoReverseMatch:
            return None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = runtime.expected_token()
        if not token:
            return self.get_response(request)
        refused = self.refuse(request, token)
        if refused is None:
            # What djdesk's default permission callback trusts: this request is the shell's.
            setattr(request, DESKTOP_MARKER, True)
        response = refused or self.get_response(request)
        for name, value in HEADERS:
            response.headers.setdefault(name, value)
        return response

    def refuse(self, request: HttpRequest, token: str) -> HttpResponse | None:
        """The 400/403 answer for a request that may not go further, else None."""
        if not host_allowed(request.META.get("HTTP_HOST", "")):
            return HttpResponseBadRequest(
                "Bad Host: this server answers only on its own loopback address.",
                content_type="text/plain",
            )
        if request.META.get("HTTP_SEC_FETCH_SITE", "") in FOREIGN_SITES:
            return self.forbidden("requests from other sites are refused")
        if self.authenticated(request, token):
            return None
        return self.forbidden("the desktop token is missing or wrong")

    def authenticated(self, request: HttpRequest, token: str) -> bool:
        if carries_token(request, token):
            return True
        return request.path == self.bootstrap_path and matches(request.GET.get("token"), token)

    @staticmethod
    def forbidden(reason: str) -> HttpResponse:
        return HttpResponseForbidden(f"Forbidden: {reason}.", content_type="text/plain")
