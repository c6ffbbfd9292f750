"""Who may do what: one hook, ``DJDESK_INSPECTOR["PERMISSION_CALLBACK"]``, for every app.

Every page and API endpoint of every djdesk app names an *action* from :data:`ACTIONS`
and asks the callback ``f(request, action) -> bool`` (the model is debug-toolbar's
``SHOW_TOOLBAR_CALLBACK``). The default, :func:`default_callback`, allows the desktop
(a request the launch-token middleware authenticated) and authenticated users holding
the action's Django permission; ``is_staff`` implies nothing. A page sends an anonymous
visitor to ``LOGIN_URL`` and answers 403 to a signed-in user who lacks the permission;
the API answers 403 ``{"errors": {"__all__": [...]}}`` to both.

Each permission lives on a model of the app that owns the action, so the presets and
docs apps work without the inspector installed. This module imports no app's models.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core import checks
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from djdesk_inspector.kernel.jsonapi import ApiError, error_response
from djdesk_inspector.kernel.registry import installed_label, resolve_callable

if TYPE_CHECKING:
    from django.contrib.auth.models import Permission

logger = logging.getLogger(__name__)

View = Callable[..., HttpResponseBase]
Callback = Callable[[HttpRequest, str], bool]

DEFAULT_CALLBACK = "djdesk_inspector.kernel.permissions.default_callback"
# What the token middleware (djdesk_electron_kit.middleware) sets on a request it let in.
DESKTOP_MARKER = "djdesk_desktop"
# The settings key and check ids live under the inspector's settings and check list.
SETTING_KEY = "PERMISSION_CALLBACK"
ANONYMOUS_CHECK_ID = "djdesk_inspector.W910"
CALLBACK_CHECK_ID = "djdesk_inspector.E910"
DESKTOP_MIDDLEWARE = "djdesk_electron_kit.middleware.DesktopMiddleware"


@dataclass(frozen=True)
class Action:
    """One thing a user may do, and the Django permission that grants it by default."""

    app_label: str
    codename: str
    model: str
    doing: str  # completes "You may not ..."
    # Harmless to grant anonymous visitors (the deploy check does not warn about it).
    may_be_public: bool = False

    @property
    def permission(self) -> str:
        return f"{self.app_label}.{self.codename}"


ACTIONS: dict[str, Action] = {
    "view": Action(
        "djdesk_inspector", "view_workspace", "workspace", "see workspaces, scans and exports"
    ),
    "scan": Action(
        "djdesk_inspector", "scan_workspace", "workspace", "register and scan workspaces"
    ),
    "trust": Action(
        "djdesk_inspector", "trust_workspace", "workspace", "trust a workspace to run its code"
    ),
    "edit": Action(
        "djdesk_inspector",
        "change_workspace",
        "workspace",
        "set a workspace's interpreter or environment",
    ),
    "delete": Action(
        "djdesk_inspector", "delete_workspace", "workspace", "delete workspaces or exports"
    ),
    "run_preset": Action("djdesk_presets", "add_taskrun", "taskrun", "see and run task presets"),
    "export": Action("djdesk_datalab", "add_export", "export", "create notebook exports"),
    "docs": Action(
        "djdesk_docs", "view_docs", "docsaccess", "read the offline docs", may_be_public=True
    ),
}

# Request fields that choose what runs or what it sees, and the action setting one needs.
GUARDED_FIELDS: dict[str, str] = {
    "interpreter_path": "edit",
    "env_file": "edit",
    "pass_env": "edit",
    "trust": "trust",
}
UNSET: tuple[object, ...] = (None, "", False, [], ())


def is_desktop(request: HttpRequest) -> bool:
    return getattr(request, DESKTOP_MARKER, False) is True


def default_callback(request: HttpRequest, action: str) -> bool:
    """The desktop, or an authenticated user with the action's Django permission."""
    if is_desktop(request):
        return True
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return bool(user.has_perm(ACTIONS[action].permission))


def public_docs(request: HttpRequest, action: str) -> bool:
    """A ready-made callback: the docs for everyone, everything else as by default."""
    return action == "docs" or default_callback(request, action)


def callback_path() -> str:
    from djdesk_inspector import conf

    return conf.get().PERMISSION_CALLBACK


@functools.lru_cache(maxsize=8)
def _load(dotted: str) -> Callback:
    return resolve_callable(dotted)


def allowed(request: HttpRequest, action: str) -> bool:
    """Ask the configured callback; a broken callback denies (and E910 says why)."""
    if action not in ACTIONS:
        raise KeyError(f"Unknown djdesk action {action!r}; known: {', '.join(ACTIONS)}.")
    try:
        callback = _load(callback_path())
    except (ImportError, TypeError):
        logger.exception("djdesk PERMISSION_CALLBACK cannot be loaded; denying %s", action)
        return False
    return callback(request, action) is True


def allowed_any(request: HttpRequest) -> bool:
    return any(allowed(request, action) for action in ACTIONS)


def denial(action: str) -> str:
    return f"You may not {ACTIONS[action].doing}."


def refused_fields(request: HttpRequest, data: Mapping[str, Any]) -> dict[str, list[str]]:
    """The guarded fields ``data`` sets without the action they need, with the reason."""
    return {
        field: [denial(action)]
        for field, action in GUARDED_FIELDS.items()
        if data.get(field) not in UNSET and not allowed(request, action)
    }


def require_fields(request: HttpRequest, data: Mapping[str, Any]) -> None:
    """Raise a 403 :class:`ApiError` when ``data`` sets a guarded field without its action."""
    refused = refused_fields(request, data)
    if refused:
        raise ApiError(403, refused)


def _action_for(request: HttpRequest, default: str, by_method: Mapping[str, str]) -> str:
    return by_method.get(request.method or "GET", default)


def _validated(default: str, by_method: Mapping[str, str]) -> dict[str, str]:
    for action in (default, *by_method.values()):
        if action not in ACTIONS:
            raise KeyError(f"Unknown djdesk action {action!r}; known: {', '.join(ACTIONS)}.")
    return {method.upper(): action for method, action in by_method.items()}


def api(default: str, **by_method: str) -> Callable[[View], View]:
    """Guard a JSON endpoint: ``default`` action, or ``POST="scan"`` etc. per method.

    Stacked *outside* ``jsonapi.api`` so a refused caller gets the same 403 whatever
    the method or the path parameters: nothing about what exists leaks.
    """
    methods = _validated(default, by_method)

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            action = _action_for(request, default, methods)
            if not allowed(request, action):
                return error_response(403, {"__all__": [denial(action)]})
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def api_any(view: View) -> View:
    """Guard a JSON endpoint that serves whoever may do anything (the API's own index)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not allowed_any(request):
            return error_response(403, {"__all__": ["You may not use djdesk's API."]})
        return view(request, *args, **kwargs)

    return wrapper


def page(default: str, **by_method: str) -> Callable[[View], View]:
    """Guard a page: anonymous visitors go to ``LOGIN_URL``, others get a 403."""
    methods = _validated(default, by_method)

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            action = _action_for(request, default, methods)
            if allowed(request, action):
                return view(request, *args, **kwargs)
            user = getattr(request, "user", None)
            if (user is None or not user.is_authenticated) and apps.is_installed(
                "django.contrib.auth"
            ):
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            raise PermissionDenied(denial(action))

        return wrapper

    return decorate


def permissions(actions: Iterable[str] | None = None) -> list[Permission]:
    """The Django ``Permission`` rows behind ``actions`` (all by default) whose app is
    installed: what a project grants a group to give it full access."""
    from django.contrib.auth.models import Permission

    wanted = [ACTIONS[name] for name in (ACTIONS if actions is None else actions)]
    found: list[Permission] = []
    for action in wanted:
        if not installed_label(action.app_label):
            continue
        found.extend(
            Permission.objects.filter(
                content_type__app_label=action.app_label, codename=action.codename
            )
        )
    return found


# -- system checks ------------------------------------------------------------------


def check_callback(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    dotted = callback_path()
    try:
        _load(dotted)
    except (ImportError, TypeError) as exc:
        return [
            checks.Error(
                f"DJDESK_INSPECTOR[{SETTING_KEY!r}] = {dotted!r} cannot be used: {exc}. "
                "Every djdesk page and endpoint refuses access until it can.",
                hint="Name a callable f(request, action) -> bool by its dotted path.",
                id=CALLBACK_CHECK_ID,
            )
        ]
    return []


def anonymous_actions() -> list[str]:
    """The actions the configured callback grants an anonymous, non-desktop request."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return [action for action in ACTIONS if allowed(request, action)]


def desktop_mode() -> bool:
    from django.conf import settings

    return DESKTOP_MIDDLEWARE in list(getattr(settings, "MIDDLEWARE", None) or ())


def check_anonymous_access(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Deploy check: outside desktop mode, an anonymous visitor must be refused."""
    if desktop_mode() or check_callback():
        return []
    granted = [name for name in anonymous_actions() if not ACTIONS[name].may_be_public]
    if not granted:
        return []
    return [
        checks.Warning(
            f"DJDESK_INSPECTOR[{SETTING_KEY!r}] lets anonymous visitors "
            f"{', '.join(granted)}, and this project is not in desktop mode.",
            hint="Anyone who can reach the site could register folders, run presets or "
            "read projects. Use the default callback and grant Django permissions.",
            id=ANONYMOUS_CHECK_ID,
        )
    ]


def register_checks() -> None:
    checks.register(check_callback)
    checks.register(check_anonymous_access, checks.Tags.security, deploy=True)
