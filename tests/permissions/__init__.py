"""Access-control tests (tests/permissions) and what other tests need to know about it."""

# What a signed-in request costs before its view runs: the session, the user, and the
# user's and its groups' permissions (read once by djdesk's default permission callback).
SIGN_IN_QUERIES = 4


def permitted_user(username: str):  # type: ignore[no-untyped-def]
    """A plain user (not staff, not superuser) holding every djdesk permission.

    djdesk's default permission callback refuses anonymous requests outside the desktop.
    """
    from django.contrib.auth import get_user_model

    from djdesk_inspector.kernel import permissions

    user, _created = get_user_model().objects.get_or_create(username=username)
    user.user_permissions.set(permissions.permissions())
    return user


def signed_in_client():  # type: ignore[no-untyped-def]
    """A Django test client signed in as :func:`permitted_user` (benches, scripts)."""
    from django.test import Client

    user = permitted_user("djdesk-bench")
    client = Client()
    client.force_login(user)
    return client
