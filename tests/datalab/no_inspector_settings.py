"""The data lab listed without the inspector: ``manage.py check`` must explain, not crash.

Mounted on its own (``include("djdesk_inspector.datalab.urls")``), as a project without
the inspector's URLconf would.
"""

from tests.settings import *  # noqa: F403
from tests.settings import INSTALLED_APPS

INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "djdesk_inspector"]
ROOT_URLCONF = "tests.datalab.alone_urls"
