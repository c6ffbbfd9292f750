"""Settings for running djdesk's commands with no host project (CI, a terminal).

``python -m django djdesk_inspect PATH --settings djdesk_inspector.cli_settings``:
the inspector reads another project from outside, so it needs no database of its
own and no secret worth keeping; the key is made fresh for each process.
"""

import secrets

SECRET_KEY = secrets.token_urlsafe(50)
DEBUG = False
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "djdesk_inspector",
]
DATABASES: dict[str, dict[str, str]] = {}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
