"""A task that does what real projects do to a supervisor: children everywhere.

Prints ``child <pid>`` (a ``sleep``-alike in its own process group), ``escaped <pid>``
(double-forked into a new session, holding our stdout), then ``ready`` and sleeps.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand

SLEEPER = "import time; time.sleep(600)"


class Command(BaseCommand):
    help = "Start a child and an escaped grandchild, then sleep (test only)."

    def handle(self, *args: Any, **options: Any) -> None:
        child = subprocess.Popen([sys.executable, "-c", SLEEPER])
        self.stdout.write(f"child {child.pid}")
        self.stdout.flush()
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                sys.stdout.write(f"escaped {os.getpid()}\n")
                sys.stdout.flush()
                time.sleep(600)
            os._exit(0)
        os.wait()
        time.sleep(0.5)
        self.stdout.write("ready")
        self.stdout.flush()
        time.sleep(600)
