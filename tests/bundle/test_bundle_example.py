"""End to end: bundle ``example_project``, move the bundle, run it like the shell does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.bundle import running

pytestmark = pytest.mark.slow


def test_moved_bundle_launches_and_serves_the_dashboard(
    example_bundle: Path, tmp_path: Path
) -> None:
    moved = tmp_path / "somewhere" / "else" / "django-bundle"
    moved.parent.mkdir(parents=True)
    shutil.move(example_bundle, moved)
    try:
        assert not example_bundle.exists()
        with running.launch(moved, tmp_path / "data") as app:
            status, _headers, _body = app.get("/djdesk/")
            assert status == 200
            status, _headers, _body = app.get("/djdesk/desktop/health/", token=False)
            assert status == 403
            # Served by WhiteNoise from the bundle's collected static/.
            status, _headers, body = app.get("/static/admin/css/base.css")
            assert status == 200
            assert body == (moved / "static" / "admin" / "css" / "base.css").read_bytes()
        # Launching wrote nothing into the bundle.
        done = running.command("--verify", str(moved))
        assert done.returncode == 0, done.stderr
        assert "files match manifest.json" in done.stdout
    finally:
        shutil.move(moved, example_bundle)


def test_layout_matches_the_shell(example_bundle: Path) -> None:
    """``backend.js`` spawns python/bin/python3 with app/ and site-packages/ on the path."""
    python = running.bundle_python(example_bundle)
    assert python.is_symlink()  # --runtime system: the host interpreter, not a copy
    assert (example_bundle / "app" / "manage.py").is_file()
    assert (example_bundle / "app" / "atlas" / "settings_desktop.py").is_file()
    site = example_bundle / "site-packages"
    assert (site / "django").is_dir()
    assert (site / "djdesk_electron_kit" / "launch.py").is_file()
    assert next(site.glob("djdesk_inspector-*.dist-info")).joinpath("RECORD").is_file()
    assert not (site / "djdesk_electron_kit" / "electron-template").exists()
    assert not (site / "bin").exists()
    assert not list(site.glob("django/conf/locale/*/LC_MESSAGES/*.po"))
    assert list(site.glob("django/conf/locale/fr/LC_MESSAGES/*.mo"))
    assert (example_bundle / "static" / "admin").is_dir()


def test_app_skips_tests_caches_databases_and_var(example_bundle: Path) -> None:
    app = example_bundle / "app"
    names = {p.relative_to(app).as_posix() for p in app.rglob("*") if p.is_file()}
    assert not [n for n in names if n.startswith("var/") or n.endswith(".sqlite3")]
    assert not [n for n in names if "__pycache__" in n and not n.endswith(".pyc")]
    pycs = [app / n for n in names if n.endswith(".pyc")]
    assert pycs, "app/ is compiled"
    # PEP 552 unchecked-hash bytecode: flags word 1, no time stamp to go stale.
    assert {pyc.read_bytes()[4:8] for pyc in pycs} == {b"\x01\x00\x00\x00"}


def test_manifest_records_inputs_versions_and_every_file(example_bundle: Path) -> None:
    text = (example_bundle / "manifest.json").read_text()
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert data["versions"]["django"]
    assert data["versions"]["python"].count(".") == 2
    assert data["inputs"]["options"]["desktop_settings"] == running.EXAMPLE_DESKTOP_SETTINGS
    assert data["inputs"]["options"]["runtime"] == "system"
    assert data["runtime"]["kind"] == "system"
    assert "django" in data["dependencies"]["packages"]
    files = data["files"]
    assert "app/manage.py" in files
    assert all("\\" not in path and not path.startswith("/") for path in files)
    on_disk = {
        p.relative_to(example_bundle).as_posix()
        for p in example_bundle.rglob("*")
        if (p.is_file() or p.is_symlink()) and p.name != "manifest.json"
    }
    assert set(files) == on_disk
    sizes = data["sizes"]
    assert sizes["total"] == sum(e.get("size", 0) for e in files.values())
    assert sizes["app"] + sizes["site-packages"] + sizes["static"] <= 40 * 1024 * 1024
    # The only host path is the system runtime's interpreter, an explicit input.
    assert files["python/bin/python3"] == {"symlink": data["runtime"]["interpreter"]}
    del data["runtime"]["interpreter"], files["python/bin/python3"]
    assert str(running.ROOT) not in json.dumps(data)
    assert str(example_bundle.parent) not in json.dumps(data)


def test_verify_detects_a_changed_file(example_bundle: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(example_bundle, copy, symlinks=True)
    (copy / "app" / "manage.py").write_text("# changed\n")
    (copy / "app" / "extra.txt").write_text("new\n")
    done = running.command("--verify", str(copy))
    assert done.returncode == 1
    error = done.stderr.strip().splitlines()
    assert len(error) == 1
    assert "2 problems" in error[0]
    assert "changed app/manage.py" in error[0]
    assert "unexpected app/extra.txt" in error[0]


def test_include_docs_ships_the_docs_bundle(tmp_path: Path) -> None:
    """atlas.settings puts DJDESK_DOCS['BUNDLE_DIR'] under ATLAS_VAR_DIR."""
    docs = tmp_path / "var" / "docs-bundle"
    docs.mkdir(parents=True)
    (docs / "index.html").write_text("<h1>docs</h1>")
    (docs / "bundle.json").write_text("{}")
    output = tmp_path / "django-bundle"
    done = running.build(
        output,
        "--include-docs",
        "--exclude",
        "telemetry/templates/",
        ATLAS_VAR_DIR=str(tmp_path / "var"),
    )
    assert "Copying the project and the docs" in done.stdout
    assert (output / "docs" / "index.html").read_text() == "<h1>docs</h1>"
    data = json.loads((output / "manifest.json").read_text())
    assert data["sizes"]["docs"] == len("<h1>docs</h1>") + 2
    assert data["inputs"]["options"]["include_docs"] is True
    assert data["inputs"]["options"]["excludes"] == ["telemetry/templates/"]
    assert not (output / "app" / "telemetry" / "templates").exists()


def test_include_docs_without_a_docs_bundle_fails(tmp_path: Path) -> None:
    output = tmp_path / "django-bundle"
    done = running.build(output, "--include-docs", check=False, ATLAS_VAR_DIR=str(tmp_path / "var"))
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert "--include-docs: no docs bundle in" in line
    assert "djdesk_docs_bundle" in line
    assert "[1/8]" not in done.stdout  # checked before anything is built
    assert not output.exists()
    assert running.siblings(output) == []
