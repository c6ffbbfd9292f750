"""The data lab listed without the inspector: ``manage.py check`` must explain, not crash.

``include("djdesk_inspector.urls")`` (tests.urls) mounts the data lab's URLconf, which
then holds no patterns.
"""

from tests.settings import *  # noqa: F403
from tests.settings import INSTALLED_APPS

INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "djdesk_inspector"]
