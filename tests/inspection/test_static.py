"""The static scan: same schema, no code run, agreeing with the live scan where it can."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from telemetry import samples

from djdesk_inspector.inspection import PROBE_VERSION, static
from djdesk_inspector.inspection.errors import ScanError

from .conftest import fields_by_name, models_by_label
from .projects import tiny_project, tree_state


@pytest.fixture(scope="module")
def showcase_target(showcase: Any) -> dict[str, Any]:
    """The static scan run by the showcase's interpreter (the host's: Django is there)."""
    return static.scan(showcase.root, interpreter=sys.executable)


def _comparable(field: dict[str, Any]) -> tuple[Any, ...]:
    return (
        field["name"],
        field["type"],
        field["column"],
        field["null"],
        field["unique"],
        field["primary_key"],
        field["inherited_from"],
        field["relation"],
    )


def test_document_shape(showcase_static: dict[str, Any], showcase: Any) -> None:
    doc = showcase_static
    assert doc["mode"] == "static"
    assert doc["probe_version"] == PROBE_VERSION
    assert doc["settings_module"] == showcase.settings_module
    assert set(doc["unknown"]) >= {"python", "django", "applied", "missing", "checks", "urls"}
    assert doc["python"]["version"] is None and doc["django"]["version"] is None
    assert doc["checks"] == {"messages": [], "deploy": []}
    assert doc["urls"] == []
    assert doc["migrations"]["missing"]["has_changes"] is None
    assert doc["migrations"]["db_reachable"] is False
    assert doc["errors"] == []


def test_models_agree_with_the_live_scan(
    showcase_target: dict[str, Any], showcase_live: dict[str, Any]
) -> None:
    """In the target's interpreter Django's own apps are read too: every model (the
    auto-created M2M tables and contrib's included) equals the live description."""
    assert showcase_target["static_reader"]["in_target"] is True
    assert showcase_target["errors"] == []
    static_models = models_by_label(showcase_target)
    live_models = models_by_label(showcase_live["document"])
    assert set(static_models) == set(live_models)
    for label, model in static_models.items():
        expected = live_models[label]
        for key in ("app_label", "name", "db_table", "abstract", "proxy", "managed",
                    "auto_created", "swapped", "bases"):  # fmt: skip
            assert model[key] == expected[key], (label, key)
        assert [_comparable(f) for f in model["fields"]] == [
            _comparable(f) for f in expected["fields"]
        ], label
        assert model["fields_complete"] is True


def test_in_process_says_what_it_could_not_read(
    showcase_static: dict[str, Any], showcase_live: dict[str, Any]
) -> None:
    """Without the target's interpreter Django's source is not read: a model built on
    AbstractUser is marked incomplete with the reason, and nothing is invented."""
    assert showcase_static["static_reader"]["in_target"] is False
    static_models = models_by_label(showcase_static)
    live_models = models_by_label(showcase_live["document"])
    member = static_models["showcase.Member"]
    assert member["fields_complete"] is False
    assert "django.contrib.auth" in member["fields_incomplete_reason"]
    for label, model in static_models.items():
        live_fields = {f["name"]: _comparable(f) for f in live_models[label]["fields"]}
        for f in model["fields"]:
            assert f["name"] in live_fields, (label, f["name"])  # never invented
            if model["fields_complete"]:
                assert _comparable(f) == live_fields[f["name"]], (label, f["name"])


def test_migration_graph_agrees_with_the_live_scan(
    showcase_static: dict[str, Any], showcase_live: dict[str, Any]
) -> None:
    static_apps = showcase_static["migrations"]["apps"]
    live_apps = showcase_live["document"]["migrations"]["apps"]
    assert set(static_apps) == {"showcase", "app01", "app02", "app03"}
    for label, app in static_apps.items():
        live_app = live_apps[label]
        assert app["leaves"] == live_app["leaves"]
        assert app["conflict"] == live_app["conflict"]
        assert [(n["name"], n["dependencies"], n["initial"]) for n in app["nodes"]] == [
            (n["name"], n["dependencies"], n["initial"]) for n in live_app["nodes"]
        ]
        assert {n["applied"] for n in app["nodes"]} == {None}
    assert (
        showcase_static["migrations"]["conflicts"]
        == (showcase_live["document"]["migrations"]["conflicts"])
    )


def test_apps_outside_the_project_are_listed_without_a_path(
    showcase_static: dict[str, Any],
) -> None:
    apps = {a["label"]: a for a in showcase_static["apps"]}
    assert apps["auth"] == {
        "label": "auth",
        "name": "django.contrib.auth",
        "path": None,
        "verbose_name": None,
        "has_migrations": None,
        "has_models_module": None,
        "in_project": False,
        "label_unknown_reason": "app module not found: module django.contrib is not readable",
        "installed_unknown_reason": None,
    }
    assert apps["showcase"]["has_migrations"] is True


def test_settings_summary(showcase_static: dict[str, Any]) -> None:
    summary = showcase_static["settings"]
    assert summary["SECRET_KEY_SET"] is True
    assert summary["INSTALLED_APPS_COUNT"] == 6
    assert summary["AUTH_USER_MODEL"] == "showcase.Member"
    assert summary["DATABASES"]["default"]["engine"] == "django.db.backends.sqlite3"
    assert summary["DATABASES"]["default"]["name"] is None  # BASE_DIR / "db.sqlite3"


def test_runs_no_project_code_and_writes_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    sample = samples.write_project(tmp_path / "p", apps=1, broken_settings=True)
    models = sample.root / "app01" / "models.py"
    models.write_text(
        f"open({str(marker)!r}, 'w').write('ran')\nraise SystemExit(3)\n" + models.read_text()
    )
    before = tree_state(sample.root)
    doc = static.scan(sample.root)
    assert not marker.exists()
    assert tree_state(sample.root) == before
    assert "app01.Record00" in models_by_label(doc)


def test_large_project_models_are_all_read(tmp_path: Path) -> None:
    """Timing lives in bench/inspect.py and bench/real_projects.py, not here."""
    sample = samples.write_project(
        tmp_path / "big", apps=30, models_per_app=10, migrations_per_app=3, with_database=False
    )
    doc = static.scan(sample.root)
    concrete = [m for m in doc["models"] if not m["auto_created"]]
    assert len(concrete) == 30 * 10 + 7 + 1  # generated + showcase (+ abstract)


def _split_settings_project(root: Path) -> Path:
    tiny_project(root, "")
    settings = root / "tiny" / "settings"
    settings.mkdir()
    (root / "tiny" / "settings.py").unlink()
    (settings / "__init__.py").write_text("from .local import *\n")
    (settings / "base.py").write_text(
        textwrap.dedent(
            """
            import os
            DJANGO_APPS = ["django.contrib.contenttypes", "django.contrib.auth"]
            LOCAL_APPS = ["shop.apps.ShopConfig"]
            INSTALLED_APPS = DJANGO_APPS + LOCAL_APPS
            SECRET_KEY = os.environ["SECRET_KEY"]
            AUTH_USER_MODEL = "accounts.User"
            DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql",
                                     "NAME": "shop", "PASSWORD": "pg-secret"}}
            """
        )
    )
    (settings / "local.py").write_text(
        "from .base import *\nINSTALLED_APPS += ['accounts']\nDEBUG = True\n"
    )
    shop = root / "shop"
    (shop / "migrations").mkdir(parents=True)
    (shop / "__init__.py").write_text("")
    (shop / "apps.py").write_text(
        "from django.apps import AppConfig\n\n"
        "class ShopConfig(AppConfig):\n    name = 'shop'\n    label = 'store'\n"
        "    default_auto_field = 'django.db.models.BigAutoField'\n"
    )
    (shop / "models.py").write_text(
        textwrap.dedent(
            """
            from django.conf import settings
            from django.db import models
            from django.contrib.contenttypes.fields import GenericRelation

            from accounts.models import User as Account


            class Product(models.Model):
                sku: str = models.CharField(max_length=20, unique=True, db_column="SKU")
                owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
                buyer = models.ForeignKey(Account, null=True, on_delete=models.SET_NULL,
                                          related_name="purchases")
                parent = models.ForeignKey("self", null=True, on_delete=models.CASCADE)
                notes = GenericRelation("store.Note")

                class Meta:
                    db_table = "products"
                    managed = False


            class Note(models.Model):
                code = models.CharField(primary_key=True, max_length=10)
            """
        )
    )
    (shop / "migrations" / "__init__.py").write_text("")
    (shop / "migrations" / "0001_initial.py").write_text(
        "from django.db import migrations\n\nclass Migration(migrations.Migration):\n"
        "    initial = True\n"
        "    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]\n"
    )
    (shop / "migrations" / "0002_a.py").write_text(
        "from django.db import migrations\n\nclass Migration(migrations.Migration):\n"
        "    dependencies = [('store', '0001_initial')]\n"
    )
    (shop / "migrations" / "0003_b.py").write_text(
        "from django.db import migrations\n\nclass Migration(migrations.Migration):\n"
        "    dependencies = [('store', '0002_a')]\n"
    )
    (shop / "migrations" / "0001_squashed_0003_b.py").write_text(
        "from django.db import migrations\n\nclass Migration(migrations.Migration):\n"
        "    replaces = [('store', '0001_initial'), ('store', '0002_a'), ('store', '0003_b')]\n"
        "    dependencies = [('accounts', '__first__')]\n"
    )
    (shop / "migrations" / "0004_c.py").write_text(
        "from django.db import migrations\n\nclass Migration(migrations.Migration):\n"
        "    dependencies = [('store', '0003_b')]\n"
    )
    accounts = root / "accounts"
    (accounts / "migrations").mkdir(parents=True)
    (accounts / "__init__.py").write_text("")
    (accounts / "models.py").write_text(
        "from django.contrib.auth.models import AbstractUser\n\n"
        "class User(AbstractUser):\n    pass\n"
    )
    (accounts / "migrations" / "__init__.py").write_text("")
    (accounts / "migrations" / "0001_initial.py").write_text(
        "from django.db import migrations\n\nclass Migration(migrations.Migration):\n"
        "    initial = True\n"
    )
    return root


def test_split_settings_app_configs_and_squashes(tmp_path: Path) -> None:
    doc = static.scan(_split_settings_project(tmp_path), interpreter=sys.executable)
    apps = {a["label"]: a for a in doc["apps"]}
    assert list(apps) == ["contenttypes", "auth", "store", "accounts"]
    assert apps["store"]["name"] == "shop"
    assert doc["settings"]["SECRET_KEY_SET"] is None  # from the environment: unknown
    assert doc["settings"]["DEBUG"] is True
    assert "pg-secret" not in str(doc)

    models = models_by_label(doc)
    product = models["store.Product"]
    assert product["db_table"] == "products"
    assert product["managed"] is False
    fields = fields_by_name(product)
    assert fields["id"]["type"] == "BigAutoField"  # the AppConfig's default_auto_field
    assert fields["sku"]["column"] == "SKU" and fields["sku"]["unique"] is True
    assert fields["owner"]["relation"]["target"] == "accounts.User"
    assert fields["buyer"]["relation"]["target"] == "accounts.User"
    assert fields["buyer"]["relation"]["related_name"] == "purchases"
    assert fields["parent"]["relation"]["target"] == "store.Product"
    assert fields["notes"]["relation"]["kind"] == "generic_relation"
    assert fields["notes"]["relation"]["target"] == "store.Note"
    assert [f["name"] for f in models["store.Note"]["fields"]] == ["code"]
    assert models["accounts.User"]["bases"] == ["auth.AbstractUser"]
    assert "password" in fields_by_name(models["accounts.User"])
    assert models["accounts.User"]["fields_complete"] is True

    nodes = {n["name"]: n for n in doc["migrations"]["apps"]["store"]["nodes"]}
    assert set(nodes) == {"0001_squashed_0003_b", "0004_c"}
    assert nodes["0004_c"]["dependencies"] == [["store", "0001_squashed_0003_b"]]
    assert nodes["0001_squashed_0003_b"]["dependencies"] == [["accounts", "0001_initial"]]
    assert doc["migrations"]["apps"]["store"]["leaves"] == ["0004_c"]


def test_non_literal_installed_apps_fall_back_to_discovery(tmp_path: Path) -> None:
    sample = samples.write_project(tmp_path / "p", apps=2, with_database=False)
    settings = sample.root / "sampleproj" / "settings.py"
    settings.write_text(
        settings.read_text().replace("INSTALLED_APPS = [", "INSTALLED_APPS = list(") + "\n"
    )
    settings.write_text(settings.read_text().replace("'app02']", "'app02')"))
    doc = static.scan(sample.root)
    assert "installed_apps" in doc["unknown"]
    assert {a["label"] for a in doc["apps"]} == {"showcase", "app01", "app02"}


def test_not_a_project(tmp_path: Path) -> None:
    with pytest.raises(ScanError) as caught:
        static.scan(tmp_path)
    assert caught.value.kind == "project"


def test_unknown_settings_module_is_reported_not_raised(tmp_path: Path) -> None:
    sample = samples.write_project(tmp_path / "p", apps=1, with_database=False)
    doc = static.scan(sample.root, settings_module="nowhere.settings")
    assert doc["errors"][0]["stage"] == "settings"
    assert "app01" in {a["label"] for a in doc["apps"]}  # discovered instead
