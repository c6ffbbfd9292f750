"""Workspace trust, the project's own environment, and honest outcomes.

Real projects on disk (telemetry.samples), real probe subprocesses, real SQLite files.
"""

from __future__ import annotations

import json
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from telemetry import samples

from djdesk_inspector import scans, workspaces
from djdesk_inspector.inspection import engine, insights
from djdesk_inspector.inspection.errors import ScanError
from djdesk_inspector.kernel import environment
from djdesk_inspector.models import ScanStatus, Snapshot, Workspace

# Slow: these start the project's interpreter (probes, presets).
pytestmark = pytest.mark.slow

SECRET = "zq9-twelve-factor-secret-key-0a1b2c3d"
TOKEN = "ledger-token-7f7e6d5c4b"
DB_PASSWORD = "pw-never-stored-31337"


def _env(**extra: str) -> dict[str, str]:
    return {
        "DJANGO_SECRET_KEY": SECRET,
        "DATABASE_URL": "sqlite:///db.sqlite3",
        "LEDGER_API_TOKEN": TOKEN,
        **extra,
    }


def _database_bytes() -> bytes:
    """Every byte of the test database (SQLite file plus its WAL), for grepping."""
    name = Path(str(connection.settings_dict["NAME"]))
    data = b""
    for path in (name, Path(f"{name}-wal")):
        if path.is_file():
            data += path.read_bytes()
    return data


def _read_sentinel(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


# -- the environment --------------------------------------------------------------


def test_a_12_factor_project_scans_live_with_its_env_file(tmp_path: Path) -> None:
    root = samples.write_twelve_factor_project(tmp_path / "p", env=_env())
    document = engine.inspect_project(root, trusted=True, env_file=root / ".env")
    assert document["mode"] == "live"
    assert document["mode_reason"].startswith("live: the project is trusted")
    assert "djdesk's own Python" in document["mode_reason"]  # no project venv: said so
    assert {m["label"] for m in document["models"]} >= {"ledger.Entry"}
    assert document["settings"]["SECRET_KEY_SET"] is True
    # The careless check put the token into its message: cut before anything keeps it.
    (warning,) = [m for m in document["checks"]["messages"] if m["id"] == "ledger.W001"]
    assert TOKEN not in warning["msg"] and "[REDACTED]" in warning["msg"]
    text = json.dumps(document)
    assert SECRET not in text and TOKEN not in text
    # A SQLite file that does not exist yet is not "unreachable".
    migrations = document["migrations"]
    assert migrations["db_error"].startswith("not created yet: run migrate")
    assert migrations["unapplied"] is None
    assert document["unknown"]["migrations.applied"].startswith("database not created yet")
    assert not (root / "db.sqlite3").exists()


def test_without_the_env_file_the_settings_failure_names_the_settings_line(
    tmp_path: Path,
) -> None:
    root = samples.write_twelve_factor_project(tmp_path / "p", env=_env())
    with pytest.raises(ScanError) as caught:
        engine.inspect_project(root, kind="auto", trusted=True)
    error = caught.value
    assert error.kind == "settings" and not error.can_fall_back
    assert str(error).startswith(
        "Importing the settings module 'twelve.settings' failed: KeyError: 'DJANGO_SECRET_KEY'"
    )
    # The deepest frame outside Django and the stdlib: the settings file, not os.py.
    assert f"({root / 'twelve' / 'settings.py'}:" in str(error)


def test_pass_through_names_reach_the_probe_and_forbidden_ones_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = samples.write_twelve_factor_project(tmp_path / "p", env={})
    monkeypatch.setenv("DJANGO_SECRET_KEY", SECRET)
    monkeypatch.setenv("DATABASE_URL", "sqlite:///db.sqlite3")
    monkeypatch.setenv("UNRELATED_HOST_SECRET", "must-not-leak-1234")
    document = engine.inspect_project(
        root, trusted=True, pass_env=["DJANGO_SECRET_KEY", "DATABASE_URL"]
    )
    assert document["mode"] == "live" and document["settings"]["SECRET_KEY_SET"] is True
    assert environment.pass_through_problem("PYTHONPATH")
    assert environment.pass_through_problem("DJANGO_SETTINGS_MODULE")
    assert environment.pass_through_problem("not a name")
    assert environment.pass_through_problem("DATABASE_PASSWORD") == ""
    values = environment.workspace_values(None, ["PYTHONPATH", "DATABASE_URL"])
    assert values == {"DATABASE_URL": "sqlite:///db.sqlite3"}


def test_settings_module_from_the_env_file_when_manage_py_loads_dotenv(tmp_path: Path) -> None:
    root = samples.write_twelve_factor_project(
        tmp_path / "p",
        env=_env(DJANGO_SETTINGS_MODULE="twelve.settings"),
        settings_in_manage=False,
    )
    document = engine.inspect_project(root, trusted=True, env_file=root / ".env")
    assert document["settings_module"] == "twelve.settings"
    # Without the env file, one clear error naming the three places.
    with pytest.raises(ScanError) as caught:
        engine.inspect_project(root, trusted=True)
    message = str(caught.value)
    assert "--project-settings" in message and "manage.py" in message
    assert "env file" in message


def test_manage_py_assignment_is_read(tmp_path: Path) -> None:
    from djdesk_inspector import detection

    manage = tmp_path / "manage.py"
    manage.write_text('import os\nos.environ["DJANGO_SETTINGS_MODULE"] = "a.b"\n')
    assert detection.settings_module_from_manage(manage) == "a.b"
    assert detection.resolve_settings_module(tmp_path, None, {}) == ("a.b", "manage.py")
    assert detection.resolve_settings_module(tmp_path, "x.y", {}) == ("x.y", "workspace")


@pytest.mark.django_db(transaction=True)
def test_secrets_never_reach_the_database_snapshot_or_stored_errors(tmp_path: Path) -> None:
    root = samples.write_twelve_factor_project(tmp_path / "p", env=_env())
    workspace = Workspace.objects.create(
        name="Twelve", project_path=str(root), env_file=str(root / ".env"), trusted=True
    )
    scan = scans.request_scan(workspace)
    assert scan.status == ScanStatus.SUCCEEDED, scan.error
    snapshot = Snapshot.objects.get(scan=scan)
    assert snapshot.mode == "live"
    # A failing scan of the same project: its probe printed the key to stderr.
    broken = samples.write_twelve_factor_project(
        tmp_path / "broken", env=_env(), broken_vendor_app=True
    )
    failed_ws = Workspace.objects.create(
        name="Broken", project_path=str(broken), env_file=str(broken / ".env"), trusted=True
    )
    failed = scans.request_scan(failed_ws)
    assert failed.status == ScanStatus.FAILED
    stored = json.dumps([snapshot.data, snapshot.summary, snapshot.view]) + failed.error
    for secret in (SECRET, TOKEN):
        assert secret not in stored
        assert secret.encode() not in _database_bytes()
    # The workspace row keeps the file's path, never a value.
    assert Workspace.objects.filter(env_file=str(root / ".env")).exists()


# -- honest outcomes --------------------------------------------------------------


def test_an_import_error_in_a_third_party_app_fails_the_scan_naming_the_module(
    tmp_path: Path,
) -> None:
    root = samples.write_twelve_factor_project(tmp_path / "p", env=_env(), broken_vendor_app=True)
    with pytest.raises(ScanError) as caught:
        engine.inspect_project(root, kind="auto", trusted=True, env_file=root / ".env")
    error = caught.value
    assert error.kind == "settings"  # a failure: auto does not pretend with a static scan
    message = str(error)
    assert message.startswith("Importing the models of the installed apps")
    assert "cannot import name 'ugettext_lazy'" in message
    assert "raised in module 'fancy_widgets.models'" in message
    assert "fancy_widgets/models.py:3" in message.replace("\\", "/")
    assert "ugettext_lazy" in error.detail  # the traceback's last frames


@pytest.mark.parametrize("where", ["postgres", "sqlite-missing-folder"])
def test_a_database_that_is_down_leaves_checks_and_applied_unknown(
    tmp_path: Path, where: str
) -> None:
    url = (
        f"postgres://app:{DB_PASSWORD}@127.0.0.1:9/app"  # discard port: nothing listens
        if where == "postgres"
        else "sqlite:///missing-folder/db.sqlite3"
    )
    if where == "postgres":
        pytest.importorskip("psycopg")
    env = _env(DATABASE_URL=url, LEDGER_DB_CHECK="1")
    root = samples.write_twelve_factor_project(tmp_path / "p", env=env)
    document = engine.inspect_project(root, trusted=True, env_file=root / ".env")
    assert document["mode"] == "live"
    migrations = document["migrations"]
    assert migrations["db_reachable"] is False
    assert migrations["db_error"].startswith("unreachable")
    assert migrations["unapplied"] is None
    assert {n["applied"] for a in migrations["apps"].values() for n in a["nodes"]} == {None}
    assert document["unknown"]["migrations.applied"].startswith("database unreachable")
    assert "ledger.apps.entries_table" in document["unknown"]["checks"]
    summary = insights.summarize(document)
    for key in ("check_errors", "check_warnings", "deploy_warnings", "unapplied"):
        assert summary[key] is None, key
        assert summary["reasons"][key]
    assert "entries_table" in summary["reasons"]["check_errors"]
    assert DB_PASSWORD not in json.dumps(document)
    out = StringIO()
    call_command("djdesk_inspect", str(root), "--env-file", ".env", stdout=out)
    text = out.getvalue()
    assert "System check errors: unknown (1 check(s) could not run" in text
    assert "Unapplied migrations: unknown (database unreachable" in text
    assert DB_PASSWORD not in text and SECRET not in text


def test_cli_states_the_mode_and_unknown_settings_of_a_static_scan(tmp_path: Path) -> None:
    root = samples.write_twelve_factor_project(tmp_path / "p", env=_env())
    out = StringIO()
    call_command("djdesk_inspect", str(root), "--static", stdout=out)
    text = out.getvalue()
    assert "mode: static: a static scan was requested" in text
    assert "SECRET_KEY_SET: unknown (static scan: not a literal" in text
    assert "DEBUG: unknown (static scan" in text
    assert "System check errors: unknown (static scan" in text
    with pytest.raises(CommandError, match="--pass-env PYTHONPATH"):
        call_command("djdesk_inspect", str(root), "--pass-env", "PYTHONPATH")
    with pytest.raises(CommandError, match="--env-file nope"):
        call_command("djdesk_inspect", str(root), "--env-file", "nope")


def test_cli_help_says_a_live_scan_runs_the_code() -> None:
    from djdesk_inspector.management.commands.djdesk_inspect import Command

    text = " ".join(Command().create_parser("manage.py", "djdesk_inspect").format_help().split())
    assert "RUNS THE PROJECT'S CODE" in text
    assert "--env-file FILE" in text and "--pass-env NAME" in text


# -- trust ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_untrusted_workspace_never_runs_project_code(tmp_path: Path) -> None:
    sentinel = tmp_path / "imported.txt"
    root = samples.write_twelve_factor_project(tmp_path / "p", env=_env(), sentinel=sentinel)
    # The sentinel works: importing the settings or models writes it.
    engine.inspect_project(root, trusted=True, env_file=root / ".env")
    assert "twelve.settings" in _read_sentinel(sentinel)
    assert "ledger.models" in _read_sentinel(sentinel)
    sentinel.unlink()

    workspace = Workspace.objects.create(
        name="Untrusted", project_path=str(root), env_file=str(root / ".env")
    )
    assert workspace.trusted is False
    for kind in ("auto", "live"):
        scan = scans.request_scan(workspace, kind)
        assert scan.status == ScanStatus.SUCCEEDED, scan.error
        assert scan.progress_message == "Done (static: workspace not trusted)"
        data = Snapshot.objects.get(scan=scan).data
        assert data["mode"] == "static"
        assert "not trusted" in data["mode_reason"]
        assert data["checks"] is None and data["unknown"]["checks"]
    assert not sentinel.exists()


@pytest.mark.django_db
def test_new_workspaces_are_untrusted_unless_the_setting_says_so(
    tmp_path: Path, settings: Any
) -> None:
    first = samples.write_project(tmp_path / "a", apps=1)
    second = samples.write_project(tmp_path / "b", apps=1)
    assert workspaces.register("a", first.root).trusted is False
    settings.DJDESK_INSPECTOR = {"TRUST_NEW_WORKSPACES": True}
    trusted = workspaces.register("b", second.root)
    assert trusted.trusted is True and trusted.trusted_at is not None


@pytest.fixture
def superuser_client(db: Any) -> Client:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("ada", "ada@example.com", "pw")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_trust_api_records_who_and_when_and_revokes(
    tmp_path: Path, superuser_client: Client
) -> None:
    sample = samples.write_project(tmp_path / "p", apps=1)
    workspace = workspaces.register("P", sample.root)
    url = reverse("djdesk_inspector:api-trust", args=[workspace.slug])
    assert Client().post(url).status_code == 403  # anonymous: never
    response = superuser_client.post(url)
    assert response.status_code == 200
    body = response.json()
    assert body["trusted"] is True and body["trusted_by"] == "ada" and body["trusted_at"]
    workspace.refresh_from_db()
    assert workspace.trusted and workspace.trusted_by == "ada"
    response = superuser_client.delete(url)
    assert response.status_code == 200 and response.json()["trusted"] is False
    workspace.refresh_from_db()
    assert not workspace.trusted and workspace.trusted_at is None


@pytest.mark.django_db
def test_wizard_trust_box_is_unticked_and_explains_what_runs(
    tmp_path: Path, superuser_client: Client
) -> None:
    page = superuser_client.get(reverse("djdesk_inspector:wizard")).content.decode()
    assert "Trusting runs this project&#x27;s settings, models and management commands" in page
    assert 'type="checkbox" name="trust"' in page and "checked" not in page
    sample = samples.write_project(tmp_path / "p", apps=1)
    (sample.root / ".env").write_text("DJANGO_SECRET_KEY=offered-value-123\n")
    data = {"project_path": str(sample.root), "name": "P"}
    offered = superuser_client.post(reverse("djdesk_inspector:wizard"), data)
    assert offered.status_code == 200  # the .env is offered before anything is saved
    assert 'data-testid="env-offered"' in offered.content.decode()
    assert not Workspace.objects.exists()
    data |= {"env_offered": "1", "env_file": ".env", "trust": "on"}
    response = superuser_client.post(reverse("djdesk_inspector:wizard"), data)
    assert response.status_code == 302
    workspace = Workspace.objects.get()
    assert workspace.env_file == str(sample.root / ".env")
    assert workspace.trusted and workspace.trusted_by == "ada"
    dashboard = superuser_client.get(response["Location"]).content.decode()
    assert 'data-testid="revoke-trust"' in dashboard
    assert "offered-value-123" not in dashboard


@pytest.mark.django_db
def test_presets_and_notebook_runs_are_refused_for_an_untrusted_workspace(
    tmp_path: Path,
) -> None:
    from djdesk_inspector.kernel.jsonapi import ApiError
    from djdesk_inspector.presets import targets

    sample = samples.write_project(tmp_path / "p", apps=1)
    workspace = workspaces.register("P", sample.root)
    key = targets.workspace_key(workspace.slug)
    assert "not trusted" in targets.resolve(key).disabled  # listed, with the reason
    listed = {t.key: t for t in targets.available()}
    assert "not trusted" in listed[key].disabled
    with pytest.raises(targets.TargetError, match="not trusted"):
        targets.run_environment(key)  # what the runner checks before it starts
    from djdesk_inspector.presets import runs

    with pytest.raises(ApiError) as refused:
        runs.request_run(target=key, preset="check", args={})
    assert refused.value.status == 409
    assert "not trusted" in json.dumps(refused.value.errors)
    Snapshot.for_document(workspace, engine.inspect_project(sample.root)).save()
    from djdesk_inspector.datalab import exports

    with pytest.raises(ApiError) as caught:
        exports.request_export(workspace, "migrations-review", execute=True)
    assert caught.value.status == 409
    assert "not trusted" in json.dumps(caught.value.errors)


def test_host_interpreter_is_named_in_the_mode_reason(tmp_path: Path) -> None:
    sample = samples.write_project(tmp_path / "p", apps=1)
    document = engine.inspect_project(sample.root, kind="live", trusted=True)
    assert document["mode_reason"] == (
        "live: a live scan was requested; its code ran in djdesk's own Python "
        f"(the project has no .venv, venv or env) ({sys.executable})"
    )


@pytest.mark.django_db
def test_a_preset_run_gets_the_env_file_and_its_log_keeps_no_secret(tmp_path: Path) -> None:
    from djdesk_inspector.presets import runner, runs, targets
    from djdesk_inspector.presets.models import RunStatus, TaskRunLogLine

    root = samples.write_twelve_factor_project(tmp_path / "p", env=_env())
    workspace = Workspace.objects.create(
        name="Twelve",
        project_path=str(root),
        interpreter_path=sys.executable,
        env_file=str(root / ".env"),
        trusted=True,
    )
    run = runs.request_run(target=targets.workspace_key(workspace.slug), preset="check", args={})
    # settings.py echoes the key to stderr and the ledger check puts the token in its
    # message: the run only succeeds because the env file reached it.
    assert runner.execute(run.pk) == RunStatus.SUCCEEDED
    text = "\n".join(TaskRunLogLine.objects.filter(run_id=run.pk).values_list("text", flat=True))
    assert "ledger.W001" in text and "booting with key" in text
    assert SECRET not in text and TOKEN not in text
    assert "[REDACTED]" in text


def test_registered_values_are_cut_anywhere_and_trivial_ones_are_not_registered() -> None:
    from djdesk_inspector.kernel import redaction

    redaction.register_values(["wobbly-unique-value-991", "on", "1234", "abc"])
    assert redaction.redact("echo wobbly-unique-value-991!") == "echo [REDACTED]!"
    assert redaction.redact_registered({"a": ["x wobbly-unique-value-991"]}) == {
        "a": ["x [REDACTED]"]
    }
    assert redaction.redact("on 1234 abc") == "on 1234 abc"
    values = environment.secret_values({"DJANGO_SETTINGS_MODULE": "a.b", "API": "k"})
    assert values == ["k"]
