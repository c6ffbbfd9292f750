"""The migration lint on real migration files: every rule fires where it should, nowhere else."""

from __future__ import annotations

from pathlib import Path

import pytest

from djdesk_inspector.inspection import migration_lint, migration_ops
from tests.migration_safety.projects import EXPECTED_LINT, write_lint_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_lint_project(tmp_path / "lintproj")


def lint(project: Path, **kwargs: object) -> list[migration_lint.Finding]:
    apps = [migration_lint.ProjectApp("shop", "shop", project / "shop")]
    migrations = migration_lint.read_project(project, apps)
    ignore = migration_lint.ignore_list(project)
    return migration_lint.lint(migrations, ignore=ignore, **kwargs)  # type: ignore[arg-type]


def test_every_rule_fires_exactly_where_expected(project: Path) -> None:
    found = {(f.rule, f.migration, f.operation) for f in lint(project)}
    assert found == EXPECTED_LINT


def test_every_declared_rule_is_exercised_or_suppressed(project: Path) -> None:
    fired = {rule for rule, _m, _i in EXPECTED_LINT} | {"DJM006"}  # DJM006 is suppressed
    assert fired == set(migration_lint.RULE_IDS)


def test_findings_carry_location_severity_and_docs(project: Path) -> None:
    by_rule = {f.rule: f for f in lint(project)}
    dropped = by_rule["DJM003"]
    assert dropped.path == "shop/migrations/0003_risky.py"
    source = (project / dropped.path).read_text().splitlines()
    assert "RemoveField" in source[dropped.line - 1]
    assert dropped.severity == "error"
    assert dropped.docs == "migrations.html#drop-column"
    assert "legacy" in dropped.message
    typed = by_rule["DJM007"]
    assert "IntegerField to DecimalField" in typed.message


def test_per_migration_marker_suppresses(project: Path) -> None:
    path = project / "shop" / "migrations" / "0005_cleanup.py"
    path.write_text(path.read_text().replace("# djdesk-lint: ignore DJM006\n", ""))
    rules = {(f.rule, f.migration) for f in lint(project)}
    assert ("DJM006", "0005_cleanup") in rules
    path.write_text("# djdesk-lint: ignore all\n" + path.read_text())
    assert not {r for r in lint(project) if r.migration == "0005_cleanup"}


def test_project_setting_suppresses_by_rule_app_and_migration(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.djdesk.migration-lint]\nignore = ["DJM009", "shop.DJM004", "shop.0004_data.DJM011"]\n'
    )
    rules = {f.rule for f in lint(project)}
    assert not rules & {"DJM009", "DJM004", "DJM011"}
    assert {"DJM001", "DJM003", "DJM012"} <= rules


def test_only_pending_migrations_are_reported_but_state_is_kept(project: Path) -> None:
    found = lint(project, only=[("shop", "0003_risky")])
    assert {f.migration for f in found} == {"0003_risky"}
    # The index on an existing table needs 0001's CreateModel, which was walked.
    assert "DJM010" in {f.rule for f in found}


def test_postgres_advice_only_on_postgres(project: Path) -> None:
    on_pg = [f for f in lint(project, vendor="postgresql") if f.rule == "DJM010"]
    on_sqlite = [f for f in lint(project, vendor="sqlite") if f.rule == "DJM010"]
    assert all("Concurrently" in f.message for f in on_pg)
    assert not any("Concurrently" in f.message for f in on_sqlite)


def test_a_concurrent_index_is_not_flagged(tmp_path: Path) -> None:
    project = write_lint_project(tmp_path / "p")
    path = project / "shop" / "migrations" / "0003_risky.py"
    path.write_text(
        "from django.contrib.postgres.operations import AddIndexConcurrently\n"
        + path.read_text().replace("migrations.AddIndex(", "AddIndexConcurrently(")
    )
    rules = {(f.rule, f.operation) for f in lint(project) if f.migration == "0003_risky"}
    assert ("DJM010", 4) not in rules
    assert ("DJM010", 5) in rules


def test_a_file_that_does_not_parse_is_listed_not_dropped(project: Path) -> None:
    bad = project / "shop" / "migrations" / "0006_broken.py"
    bad.write_text("class Migration(:\n")
    apps = [migration_lint.ProjectApp("shop", "shop", project / "shop")]
    migrations = migration_lint.read_project(project, apps)
    errors = migration_lint.parse_errors(migrations)
    assert [e["path"] for e in errors] == ["shop/migrations/0006_broken.py"]
    assert "SyntaxError" in errors[0]["error"]


def test_operation_records_read_positional_and_keyword_forms(tmp_path: Path) -> None:
    path = tmp_path / "0001_x.py"
    path.write_text(
        "from django.db import migrations, models\n"
        "class Migration(migrations.Migration):\n"
        "    operations = [\n"
        "        migrations.AddField('a', 'b', models.IntegerField(null=True)),\n"
        "        migrations.AddField(model_name='a', name='c', field=models.IntegerField()),\n"
        "        migrations.RunPython(code=print, reverse_code=None),\n"
        "    ]\n"
    )
    record = migration_ops.read_migration(path, "x", "0001_x", "x/0001_x.py")
    ops = record["operations"]
    assert [(o["model"], o["name"], o["field"]["null"]) for o in ops[:2]] == [
        ("a", "b", True),
        ("a", "c", False),
    ]
    assert ops[2]["reversible"] is False


def test_the_scripts_print_the_markers_the_host_reads() -> None:
    """The target-side scripts cannot import djdesk: their constants are copies."""
    from djdesk_inspector.inspection import markers, probe_script, rehearse_script

    for script, expected in ((probe_script, markers.PROBE), (rehearse_script, markers.REHEARSAL)):
        assert (
            expected.begin,
            expected.end,
            expected.stage,
        ) == (script.BEGIN, script.END, script.STAGE)
