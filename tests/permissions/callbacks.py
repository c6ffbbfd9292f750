"""Callbacks the permission tests configure: what a careless project might write."""

from __future__ import annotations

from django.http import HttpRequest


def allow_everyone(request: HttpRequest, action: str) -> bool:
    return True


def truthy_but_not_true(request: HttpRequest, action: str) -> object:
    """Returns a truthy non-bool: djdesk allows only ``True`` itself."""
    return "yes"


NOT_CALLABLE = "a string"
