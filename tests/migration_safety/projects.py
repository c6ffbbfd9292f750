"""Real Django projects with risky migrations and their safe near-misses, written to disk.

``write_lint_project`` has one migration per kind of risk, so each lint rule can be
asserted to fire exactly where it should. ``write_rehearsal_project`` has a SQLite
database with rows and pending migrations that succeed, fail halfway, or cannot be
reversed.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

MANAGE = """\
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""

SETTINGS = """\
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "migration-tests-not-secret"
INSTALLED_APPS = ["shop"]
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
ROOT_URLCONF = "proj.urls"
{extra}
"""

HEADER = "from django.db import migrations, models\n\n"

LINT_MIGRATIONS: dict[str, str] = {
    "0001_initial": """
class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Product",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=50)),
                ("price", models.IntegerField()),
                ("legacy", models.CharField(max_length=10)),
            ],
        ),
        migrations.CreateModel(
            name="Customer",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=50)),
                ("email", models.CharField(max_length=50)),
            ],
        ),
        migrations.CreateModel(
            name="Old",
            fields=[("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"))],
        ),
        migrations.CreateModel(
            name="Vendor",
            fields=[("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"))],
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["email"], name="fresh_email_idx"),
        ),
    ]
""",
    # Near-misses: nothing here may fire DJM001, DJM008 or DJM012.
    "0002_safe": """
def forwards(apps, schema_editor):
    Product = apps.get_model("shop", "Product")
    Product.objects.update(note="")


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.AddField("product", "note", models.TextField(null=True)),
        migrations.AddField("product", "stock", models.IntegerField(default=0)),
        migrations.AddField("product", "rating", models.IntegerField(db_default=3)),
        migrations.AlterField("product", "name", models.CharField(max_length=80)),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RunSQL("SELECT 1", reverse_sql="SELECT 1"),
    ]
""",
    "0003_risky": """
class Migration(migrations.Migration):
    dependencies = [("shop", "0002_safe")]
    operations = [
        migrations.AddField("product", "sku", models.CharField(max_length=10)),
        migrations.RemoveField("product", "legacy"),
        migrations.RenameField("customer", "name", "full_name"),
        migrations.AlterField("product", "price", models.DecimalField(max_digits=8, decimal_places=2)),
        migrations.AddIndex("product", models.Index(fields=["name"], name="product_name_idx")),
        migrations.AddConstraint(
            "customer", models.UniqueConstraint(fields=["email"], name="customer_email_uniq")
        ),
        migrations.RunSQL("UPDATE shop_product SET stock = 0"),
    ]
""",
    "0004_data": """
def forwards(apps, schema_editor):
    from shop.models import Product

    Product.objects.update(stock=1)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("shop", "0003_risky")]
    operations = [migrations.RunPython(forwards)]
""",
    "0005_cleanup": """
# djdesk-lint: ignore DJM006


class Migration(migrations.Migration):
    dependencies = [("shop", "0004_data")]
    operations = [
        migrations.DeleteModel("Old"),
        migrations.AlterModelTable("vendor", "shop_supplier"),
    ]
""",
}

LINT_MODELS = """\
from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=80)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    note = models.TextField(null=True)
    stock = models.IntegerField(default=0)
    rating = models.IntegerField(db_default=3)
    sku = models.CharField(max_length=10)

    class Meta:
        indexes = [models.Index(fields=["name"], name="product_name_idx")]


class Customer(models.Model):
    full_name = models.CharField(max_length=50)
    email = models.CharField(max_length=50)

    class Meta:
        indexes = [models.Index(fields=["email"], name="fresh_email_idx")]
        constraints = [models.UniqueConstraint(fields=["email"], name="customer_email_uniq")]


class Vendor(models.Model):
    class Meta:
        db_table = "shop_supplier"
"""

# (rule, migration, operation index) for every finding the lint project must give.
EXPECTED_LINT = {
    ("DJM002", "0002_safe", 1),
    ("DJM001", "0003_risky", 0),
    ("DJM003", "0003_risky", 1),
    ("DJM004", "0003_risky", 2),
    ("DJM007", "0003_risky", 3),
    ("DJM010", "0003_risky", 4),
    ("DJM010", "0003_risky", 5),
    ("DJM009", "0003_risky", 6),
    ("DJM008", "0004_data", 0),
    ("DJM011", "0004_data", 0),
    ("DJM012", "0004_data", 0),
    ("DJM005", "0005_cleanup", 0),
}


def _base(root: Path, extra_settings: str = "") -> None:
    (root / "proj").mkdir(parents=True)
    (root / "manage.py").write_text(MANAGE)
    (root / "proj" / "__init__.py").write_text("")
    (root / "proj" / "urls.py").write_text("urlpatterns = []\n")
    (root / "proj" / "settings.py").write_text(SETTINGS.format(extra=extra_settings))
    (root / "shop" / "migrations").mkdir(parents=True)
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "migrations" / "__init__.py").write_text("")


def _write_migrations(root: Path, migrations: dict[str, str]) -> None:
    for name, body in migrations.items():
        (root / "shop" / "migrations" / f"{name}.py").write_text(HEADER + textwrap.dedent(body))


def write_lint_project(root: Path) -> Path:
    """The lint project; nothing is pending against its models (no missing migrations)."""
    _base(root)
    (root / "shop" / "models.py").write_text(LINT_MODELS)
    _write_migrations(root, LINT_MIGRATIONS)
    return root


REHEARSAL_MIGRATIONS = {
    "0001_initial": """
class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Item",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=50)),
            ],
        ),
    ]
""",
    "0002_label": """
def fill(apps, schema_editor):
    Item = apps.get_model("shop", "Item")
    for item in Item.objects.all():
        item.label = item.name.upper()
        item.save(update_fields=["label"])


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.AddField("item", "label", models.CharField(max_length=50, default="")),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
""",
}

FAILING_MIGRATION = """
def explode(apps, schema_editor):
    raise RuntimeError("deliberate failure halfway through 0003_explode")


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_label")]
    operations = [
        migrations.AddField("item", "weight", models.IntegerField(null=True)),
        migrations.RunPython(explode, migrations.RunPython.noop),
    ]
"""

IRREVERSIBLE_MIGRATION = """
def stamp(apps, schema_editor):
    apps.get_model("shop", "Item").objects.update(name="stamped")


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_label")]
    operations = [migrations.RunPython(stamp)]
"""

SLOW_MIGRATION = """
import time


def wait(apps, schema_editor):
    time.sleep(120)


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_label")]
    operations = [migrations.RunPython(wait, migrations.RunPython.noop)]
"""

REHEARSAL_MODELS = """\
from django.db import models


class Item(models.Model):
    name = models.CharField(max_length=50)
    label = models.CharField(max_length=50, default="")
{extra}
"""


def write_rehearsal_project(
    root: Path, third: str | None = None, rows: int = 50, database: str = ""
) -> Path:
    """Applied: 0001 only, with ``rows`` items. Pending: 0002 and the ``third`` migration.

    ``third`` is ``"failing"``, ``"irreversible"``, ``"slow"`` or None. ``database`` is
    a settings line that replaces the SQLite ``DATABASES`` (rows are then not added).
    """
    _base(root, database)
    migrations = dict(REHEARSAL_MIGRATIONS)
    extra = ""
    if third == "failing":
        migrations["0003_explode"] = FAILING_MIGRATION
        extra = "    weight = models.IntegerField(null=True)\n"
    elif third == "irreversible":
        migrations["0003_stamp"] = IRREVERSIBLE_MIGRATION
    elif third == "slow":
        migrations["0003_wait"] = SLOW_MIGRATION
    (root / "shop" / "models.py").write_text(REHEARSAL_MODELS.format(extra=extra))
    _write_migrations(root, migrations)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "shop", "0001", "-v", "0"],
        cwd=root,
        check=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
    )
    if database:
        return root
    with sqlite3.connect(root / "db.sqlite3") as db:
        db.executemany(
            "INSERT INTO shop_item (name) VALUES (?)", [(f"item {i}",) for i in range(rows)]
        )
    return root
