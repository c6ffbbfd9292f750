"""A real, small Django project on disk for runs to target, with test-only commands.

``shop`` has models and two migrations (for app-label / migration choices), and
management commands that print the environment, print secrets, print many lines,
sleep, spawn a grandchild that ignores SIGTERM, or touch a marker file.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

SECRET = "shop-secret-value-7f3a9c2e1b"

MANAGE = """
import os, sys
def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopproj.settings")
    from django.core.management import execute_from_command_line
    execute_from_command_line(sys.argv)
if __name__ == "__main__":
    main()
"""

SETTINGS = f"""
from pathlib import Path
BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = {SECRET!r}
DEBUG = False
INSTALLED_APPS = ["django.contrib.contenttypes", "shop"]
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3",
              "PASSWORD": "db-pass-{SECRET}"}}}}
ROOT_URLCONF = "shopproj.urls"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
"""

MODELS = """
from django.db import models

class Product(models.Model):
    name = models.CharField(max_length=100)
    price = models.IntegerField(default=0)
"""

MIGRATION_1 = """
from django.db import migrations, models

class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Product",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("name", models.CharField(max_length=100)),
            ],
        ),
    ]
"""

MIGRATION_2 = """
from django.db import migrations, models

class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [migrations.AddField("product", "price", models.IntegerField(default=0))]
"""

COMMANDS = {
    "printenv": """
        import os
        from django.core.management.base import BaseCommand

        class Command(BaseCommand):
            def handle(self, *args, **options):
                for key, value in sorted(os.environ.items()):
                    self.stdout.write(f"ENV {key}={value}")
    """,
    "printsecret": """
        from django.conf import settings
        from django.core.management.base import BaseCommand

        class Command(BaseCommand):
            def handle(self, *args, **options):
                self.stdout.write(f"SECRET_KEY = {settings.SECRET_KEY!r}")
                self.stdout.write(f"secret_key={settings.SECRET_KEY}")
                self.stderr.write(f'{{"SECRET_KEY": "{settings.SECRET_KEY}"}}')
                self.stdout.write("-----BEGIN RSA PRIVATE KEY-----")
                self.stdout.write("MIIEowIBAAKCAQEAverysecretkeymaterial")
                self.stdout.write("-----END RSA PRIVATE KEY-----")
                self.stdout.write("done")
    """,
    "chatty": """
        import sys, time
        from django.core.management.base import BaseCommand

        class Command(BaseCommand):
            def add_arguments(self, parser):
                parser.add_argument("--count", type=int, default=10)
                parser.add_argument("--delay", type=float, default=0.0)
                parser.add_argument("--width", type=int, default=0)

            def handle(self, *args, count, delay, width, **options):
                pad = "x" * width
                for i in range(1, count + 1):
                    sys.stdout.write(f"line {i} {pad}\\n")
                    if delay:
                        sys.stdout.flush()
                        time.sleep(delay)
                sys.stdout.flush()
    """,
    "sleeper": """
        import signal, subprocess, sys, time
        from pathlib import Path
        from django.core.management.base import BaseCommand

        GRANDCHILD = (
            "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
            "time.sleep(120)"
        )

        class Command(BaseCommand):
            def add_arguments(self, parser):
                parser.add_argument("--pidfile", required=True)

            def handle(self, *args, pidfile, **options):
                child = subprocess.Popen([sys.executable, "-c", GRANDCHILD])
                Path(pidfile).write_text(str(child.pid))
                print("spawned", child.pid, flush=True)
                time.sleep(120)
    """,
    "touchfile": """
        from pathlib import Path
        from django.conf import settings
        from django.core.management.base import BaseCommand

        class Command(BaseCommand):
            def handle(self, *args, **options):
                (Path(settings.BASE_DIR) / "touched.marker").write_text("ran")
    """,
}


def write_project(root: Path) -> Path:
    """Write the project under ``root / 'shopproj'`` and return its folder."""
    project = root / "shopproj"
    files = {
        "manage.py": MANAGE,
        "shopproj/__init__.py": "",
        "shopproj/settings.py": SETTINGS,
        "shopproj/urls.py": "urlpatterns = []\n",
        "shop/__init__.py": "",
        "shop/models.py": MODELS,
        "shop/migrations/__init__.py": "",
        "shop/migrations/0001_initial.py": MIGRATION_1,
        "shop/migrations/0002_product_price.py": MIGRATION_2,
        "shop/management/__init__.py": "",
        "shop/management/commands/__init__.py": "",
        **{f"shop/management/commands/{name}.py": body for name, body in COMMANDS.items()},
    }
    for relative, body in files.items():
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(body).lstrip())
    return project


# What a scan of the project would store: the app labels and migrations runs choose from.
SNAPSHOT = {
    "probe_version": 1,
    "mode": "static",
    "apps": [
        {"label": "contenttypes", "name": "django.contrib.contenttypes"},
        {"label": "shop", "name": "shop"},
        {"label": "--settings=evil", "name": "hostile"},
    ],
    "migrations": {
        "apps": {
            "shop": {"nodes": [{"name": "0001_initial"}, {"name": "0002_product_price"}]},
            "contenttypes": {"nodes": [{"name": "0001_initial"}]},
        }
    },
}
