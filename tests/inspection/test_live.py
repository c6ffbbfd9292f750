"""The live probe against real projects on disk, in real interpreters."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import django
import pytest
from telemetry import samples

from djdesk_inspector.inspection import PROBE_VERSION, live
from djdesk_inspector.inspection.errors import ScanError

from .conftest import fields_by_name, models_by_label
from .projects import make_venv, process_gone, tiny_project, tree_state

pytestmark = pytest.mark.slow


def test_document_header(showcase_live: dict[str, Any], showcase: samples.SampleProject) -> None:
    doc = showcase_live["document"]
    assert doc["probe_version"] == PROBE_VERSION
    assert doc["mode"] == "live"
    assert doc["settings_module"] == showcase.settings_module
    assert doc["django"]["version"] == django.get_version()
    assert doc["python"]["version"].startswith(f"{sys.version_info[0]}.{sys.version_info[1]}")
    assert doc["interpreter_origin"] == "host"
    assert doc["errors"] == []
    assert doc["unknown"] == {}
    assert [a["label"] for a in doc["apps"]] == ["contenttypes", "auth", *showcase.apps]
    apps = {a["label"]: a for a in doc["apps"]}
    assert apps["showcase"]["has_migrations"] is True
    assert apps["showcase"]["path"] == str(showcase.root / "showcase")


def test_every_sample_model_is_found(
    showcase_live: dict[str, Any], showcase: samples.SampleProject
) -> None:
    labels = set(models_by_label(showcase_live["document"]))
    assert set(showcase.models) <= labels
    # Auto-created M2M tables and contrib models are listed too.
    assert {"showcase.Club_places", "app01.Record02_peers", "auth.Group"} <= labels


def test_abstract_proxy_and_multi_table_inheritance(showcase_live: dict[str, Any]) -> None:
    models = models_by_label(showcase_live["document"])
    stamped = models["showcase.Stamped"]
    assert stamped["abstract"] is True and stamped["db_table"] is None
    assert [f["name"] for f in stamped["fields"]] == ["created"]

    place = models["showcase.Place"]
    assert place["bases"] == ["showcase.Stamped"]
    assert "created" in fields_by_name(place)  # copied from the abstract base

    restaurant = models["showcase.Restaurant"]
    fields = fields_by_name(restaurant)
    assert restaurant["bases"] == ["showcase.Place"]
    assert restaurant["db_table"] == "showcase_restaurant"
    assert fields["place_ptr"]["relation"] == {
        "kind": "o2o",
        "target": "showcase.Place",
        "related_name": None,
        "parent_link": True,
    }
    assert fields["place_ptr"]["primary_key"] is True
    assert fields["name"]["inherited_from"] == "showcase.Place"
    assert fields["seats"]["inherited_from"] is None

    proxy = models["showcase.FeaturedPlace"]
    assert proxy["proxy"] is True
    assert proxy["db_table"] == "showcase_place"
    assert {f["inherited_from"] for f in proxy["fields"]} == {"showcase.Place"}


def test_relations_through_generic_and_swapped_user(showcase_live: dict[str, Any]) -> None:
    models = models_by_label(showcase_live["document"])
    club = fields_by_name(models["showcase.Club"])
    assert club["members"]["relation"]["kind"] == "m2m"
    assert club["members"]["relation"]["target"] == "showcase.Member"
    assert club["members"]["relation"]["through"] == "showcase.Membership"
    assert club["members"]["relation"]["through_auto_created"] is False
    assert club["members"]["column"] is None
    assert club["places"]["relation"]["through"] == "showcase.Club_places"
    assert club["places"]["relation"]["through_auto_created"] is True
    assert models["showcase.Club_places"]["auto_created"] is True

    tag = fields_by_name(models["showcase.Tag"])
    assert tag["target"]["relation"] == {
        "kind": "generic_fk",
        "target": None,
        "ct_field": "content_type",
        "fk_field": "object_id",
    }
    assert tag["content_type"]["relation"]["target"] == "contenttypes.ContentType"
    assert tag["content_type"]["column"] == "content_type_id"

    membership = fields_by_name(models["showcase.Membership"])
    assert membership["member"]["relation"]["target"] == "showcase.Member"
    assert models["auth.User"]["swapped"] == "showcase.Member"
    assert models["auth.User"]["swappable"] == "AUTH_USER_MODEL"
    assert models["showcase.Member"]["swapped"] is None
    assert models["showcase.Member"]["bases"] == ["auth.AbstractBaseUser"]

    record = fields_by_name(models["app02.Record00"])
    assert record["upstream"]["relation"]["target"] == "app01.Record00"
    assert record["upstream"]["null"] is True


def test_migration_graph(showcase_live: dict[str, Any], showcase: samples.SampleProject) -> None:
    migrations = showcase_live["document"]["migrations"]
    assert migrations["db_reachable"] is True
    assert migrations["db_error"] is None
    assert sorted(tuple(k) for k in migrations["unapplied"]) == sorted(showcase.unapplied)
    assert showcase.conflict is not None
    app, leaves = showcase.conflict
    assert migrations["conflicts"] == {app: list(leaves)}
    assert migrations["apps"][app]["conflict"] is True
    assert migrations["apps"][app]["leaves"] == list(leaves)
    nodes = {n["name"]: n for n in migrations["apps"]["app02"]["nodes"]}
    assert nodes["0002_links"]["dependencies"] == [
        ["app01", "0001_initial"],
        ["app02", "0001_initial"],
    ]
    assert nodes["0001_initial"]["initial"] is True
    assert all(n["applied"] is True for n in migrations["apps"]["auth"]["nodes"])
    # The model change without a migration, as makemigrations --check would say.
    assert migrations["missing"]["has_changes"] is True
    assert migrations["missing"]["apps"] == {"app01": ["Add field note to record00"]}


def test_checks_and_deploy_checks(showcase_live: dict[str, Any]) -> None:
    checks = showcase_live["document"]["checks"]
    errors = [m for m in checks["messages"] if m["level"] == "ERROR"]
    assert [m["id"] for m in errors] == ["showcase.E001"]
    assert errors[0]["hint"] == "It proves the inspector reports check errors."
    deploy_ids = {m["id"] for m in checks["deploy"]}
    assert {"security.W018", "security.W009"} <= deploy_ids  # DEBUG, weak key
    assert not deploy_ids & {m["id"] for m in checks["messages"]}


def test_nested_url_includes_with_namespaces(showcase_live: dict[str, Any]) -> None:
    urls = {u["qualified_name"]: u for u in showcase_live["document"]["urls"]}
    detail = urls["shop:v1:place-detail"]
    assert detail["route"] == "shop/api/v1/places/<int:pk>/"
    assert detail["namespaces"] == ["shop", "v1"]
    assert detail["includes"] == ["shop/", "shop/api/v1/"]
    assert detail["view"] == "showcase.views.place_detail"
    assert urls["shop:place-list"]["view"] == "showcase.views.PlaceList"
    assert urls["shop:v1:legacy"]["route"].endswith("^legacy/(?P<slug>[-\\w]+)/$")
    assert urls["home"]["namespaces"] == []
    assert urls["app03:index"]["route"] == "apps/app03/"


def test_settings_summary_keeps_secrets_out(showcase_live: dict[str, Any]) -> None:
    summary = showcase_live["document"]["settings"]
    assert summary["SECRET_KEY_SET"] is True
    assert "SECRET_KEY" not in summary
    assert summary["DEBUG"] is True
    assert summary["AUTH_USER_MODEL"] == "showcase.Member"
    assert summary["DATABASES"]["default"]["engine"] == "django.db.backends.sqlite3"
    assert "password" not in json.dumps(summary["DATABASES"]).lower()
    assert "sample-project-key-not-for-production" not in json.dumps(showcase_live["document"])


def test_project_output_never_corrupts_the_document(showcase_live: dict[str, Any]) -> None:
    # The showcase prints from settings and models (print, sys.stdout, raw fd 1) and
    # still produced a complete document.
    assert showcase_live["document"]["models"]


def test_live_scan_leaves_the_project_byte_for_byte_unchanged(
    showcase_live: dict[str, Any],
) -> None:
    assert showcase_live["after"] == showcase_live["before"]
    assert not [p for p in showcase_live["after"] if "__pycache__" in p]


def test_missing_sqlite_file_is_not_created_and_applied_is_unknown(tmp_path: Path) -> None:
    sample = samples.write_project(tmp_path / "p", apps=1, with_database=False)
    before = tree_state(sample.root)
    doc = live.scan(sample.root)
    assert tree_state(sample.root) == before
    assert not (sample.root / "db.sqlite3").exists()
    migrations = doc["migrations"]
    assert migrations["db_reachable"] is False
    assert migrations["db_error"].startswith("not created yet: run migrate")
    assert migrations["unapplied"] is None
    assert doc["unknown"]["migrations.applied"].startswith("database not created yet")
    assert {n["applied"] for a in migrations["apps"].values() for n in a["nodes"]} == {None}
    assert migrations["missing"]["has_changes"] is False


def test_option_only_change_without_migration(tmp_path: Path) -> None:
    sample = samples.write_project(tmp_path / "p", apps=1, models_per_app=2)
    models = sample.root / "app01" / "models.py"
    models.write_text(
        models.read_text().replace(
            "class Record01(models.Model):\n",
            'class Record01(models.Model):\n    class Meta:\n        ordering = ["name"]\n\n',
        )
    )
    missing = live.scan(sample.root)["migrations"]["missing"]
    assert missing == {"has_changes": True, "apps": {"app01": ["Change Meta options on record01"]}}


def test_startproject_output(tmp_path: Path) -> None:
    """An untouched ``startproject`` (admin, sessions ...) with no database yet."""
    subprocess.run(
        [sys.executable, "-m", "django", "startproject", "mysite", str(tmp_path)],
        check=True,
        timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    before = tree_state(tmp_path)
    doc = live.scan(tmp_path)
    assert tree_state(tmp_path) == before
    assert doc["settings_module"] == "mysite.settings"
    assert "admin" in {a["label"] for a in doc["apps"]}
    assert any(u["route"] == "admin/" for u in doc["urls"])
    assert doc["migrations"]["db_reachable"] is False
    assert doc["migrations"]["missing"]["has_changes"] is False
    assert [m for m in doc["checks"]["messages"] if m["level_no"] >= 40] == []


def test_settings_that_raise_give_one_clear_error(tmp_path: Path) -> None:
    sample = samples.write_project(tmp_path / "broken", apps=0, broken_settings=True)
    with pytest.raises(ScanError) as caught:
        live.scan(sample.root)
    error = caught.value
    assert error.kind == "settings"
    assert not error.can_fall_back
    assert str(error) == (
        "Importing the settings module 'sampleproj.settings' failed: RuntimeError: "
        "sample settings refuse to load (SAMPLE_BROKEN) "
        f"({sample.root / 'sampleproj' / 'settings.py'}:31)."
    )
    assert "\n" not in str(error)
    assert "raise RuntimeError" in error.detail  # the traceback tail


def test_failure_does_not_break_the_next_scan(tmp_path: Path, clean_sample: Any) -> None:
    sample = samples.write_project(tmp_path / "broken", apps=0, broken_settings=True)
    with pytest.raises(ScanError):
        live.scan(sample.root)
    assert live.scan(clean_sample.root)["mode"] == "live"


def test_missing_third_party_package_is_a_dependencies_error(tmp_path: Path) -> None:
    tiny_project(tmp_path, "import djdesk_surely_not_installed_pkg\n")
    with pytest.raises(ScanError) as caught:
        live.scan(tmp_path)
    assert caught.value.kind == "dependencies"
    # The project cannot load: a failure, never a reason to pretend with a static scan.
    assert not caught.value.can_fall_back
    assert "djdesk_surely_not_installed_pkg" in str(caught.value)


def test_missing_local_module_is_a_settings_error(tmp_path: Path) -> None:
    tiny_project(tmp_path, "from tiny import not_there\n")
    with pytest.raises(ScanError) as caught:
        live.scan(tmp_path)
    assert caught.value.kind == "settings"


def test_secrets_in_errors_are_redacted(tmp_path: Path) -> None:
    tiny_project(
        tmp_path,
        'DB_PASSWORD = "hunter2-very-secret"\n'
        'raise ValueError("cannot connect to postgres://app:hunter2-very-secret@db/app")\n',
    )
    with pytest.raises(ScanError) as caught:
        live.scan(tmp_path)
    assert "hunter2-very-secret" not in caught.value.report()
    assert "postgres://app:[REDACTED]@db/app" in str(caught.value)


def test_probe_folder_never_shadows_project_modules(tmp_path: Path) -> None:
    """The probe sits next to live.py, static.py, errors.py ...: the project must win."""
    tiny_project(tmp_path, "import errors\nassert errors.ORIGIN == 'project'\n")
    (tmp_path / "errors.py").write_text("ORIGIN = 'project'\n")
    assert live.scan(tmp_path)["errors"] == []


def test_environment_is_isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "tests.settings")
    monkeypatch.setenv("DJDESK_TOKEN", "host-token")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "host-aws-secret")
    monkeypatch.setenv("MY_SERVICE_API_KEY", "host-api-key")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "host-path"))
    monkeypatch.setenv("LC_TIME", "C")
    sample = samples.write_project(tmp_path / "p", apps=0, report_environment=True)
    doc = live.scan(sample.root)
    report = next(m for m in doc["checks"]["messages"] if m["id"] == "showcase.I001")
    seen = json.loads(report["msg"])
    assert seen["settings_module"] == "sampleproj.settings"
    keys = set(seen["keys"])
    assert not keys & {"DJDESK_TOKEN", "AWS_SECRET_ACCESS_KEY", "MY_SERVICE_API_KEY", "PYTHONPATH"}
    assert {"PYTHONDONTWRITEBYTECODE", "LC_TIME", "DJANGO_SETTINGS_MODULE"} <= keys
    assert "host-" not in json.dumps(doc)


def test_project_venv_is_detected_and_used(tmp_path: Path) -> None:
    sample = samples.write_project(tmp_path / "p", apps=1)
    python = make_venv(sample.root / ".venv", with_django=True)
    before = tree_state(sample.root)
    doc = live.scan(sample.root)
    assert doc["interpreter_origin"] == "project"
    assert Path(doc["python"]["executable"]).parent == python.parent
    assert tree_state(sample.root) == before


def test_interpreter_without_django(tmp_path: Path, clean_sample: Any) -> None:
    python = make_venv(tmp_path / "bare", with_django=False)
    with pytest.raises(ScanError) as caught:
        live.scan(clean_sample.root, interpreter=python)
    assert caught.value.kind == "django"
    assert caught.value.can_fall_back


def test_missing_interpreter(clean_sample: Any) -> None:
    with pytest.raises(ScanError) as caught:
        live.scan(clean_sample.root, interpreter="/nonexistent/python3")
    assert caught.value.kind == "interpreter"


def test_interpreter_that_cannot_run_the_probe(tmp_path: Path, clean_sample: Any) -> None:
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho 'not python' >&2\nexit 7\n")
    fake.chmod(0o755)
    if sys.platform == "win32":
        pytest.skip("shell script interpreters are POSIX-only")
    with pytest.raises(ScanError) as caught:
        live.scan(clean_sample.root, interpreter=fake)
    assert caught.value.kind == "interpreter"
    assert "exit status 7" in str(caught.value)
    assert "not python" in caught.value.detail


def test_timeout_kills_the_whole_process_tree(tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild.pid"
    tiny_project(
        tmp_path / "p",
        f"""
        import subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        open({str(pid_file)!r}, "w").write(str(child.pid))
        time.sleep(120)
        """,
    )
    started = time.monotonic()
    with pytest.raises(ScanError) as caught:
        live.scan(tmp_path / "p", timeout=3)
    assert caught.value.kind == "timeout"
    assert time.monotonic() - started < 3 + 10
    grandchild = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while not process_gone(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process_gone(grandchild)


def test_progress_reports_the_probe_stages(clean_sample: Any) -> None:
    seen: list[tuple[int, str]] = []
    live.scan(clean_sample.root, progress=lambda p, s: seen.append((p, s)))
    stages = [s for _, s in seen]
    assert stages[:2] == ["setup", "models"]
    # Checks, URLs and settings are one stage: on Linux they run in a fork meanwhile.
    assert {"migrations", "autodetector", "migration plan", "checks"} <= set(stages)
    assert [p for p, _ in seen] == sorted(p for p, _ in seen)


@pytest.mark.parametrize(
    "python",
    # The host interpreter when none are named: never an empty (skipped) parameter set.
    [p for p in os.environ.get("DJDESK_TEST_PYTHONS", "").split(os.pathsep) if p]
    or [sys.executable],
)
def test_other_interpreters(python: str, tmp_path: Path) -> None:
    """Extra interpreters (other Python/Django versions), e.g.
    ``DJDESK_TEST_PYTHONS=/opt/py38-dj32/bin/python:/opt/py312-dj61/bin/python``."""
    sample = samples.write_project(
        tmp_path / "p", apps=2, with_conflict=True, with_missing=True, with_check_error=True
    )
    before = tree_state(sample.root)
    doc = live.scan(sample.root, interpreter=python)
    assert tree_state(sample.root) == before
    assert doc["errors"] == []
    assert set(sample.models) <= {m["label"] for m in doc["models"]}
    assert sorted(tuple(k) for k in doc["migrations"]["unapplied"]) == sorted(sample.unapplied)
    assert doc["migrations"]["missing"]["apps"] == {"app01": ["Add field note to record00"]}
    assert doc["migrations"]["conflicts"]
    assert "showcase.E001" in {m["id"] for m in doc["checks"]["messages"]}
    assert any(u["qualified_name"] == "shop:v1:place-detail" for u in doc["urls"])
