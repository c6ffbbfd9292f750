"""Step 3: what of the project goes into ``app/``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from djdesk_electron_kit.bundle import copying


def _tree(root: Path, files: list[str]) -> None:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name)


def _copied(target: Path) -> set[str]:
    return {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}


def test_skip_rules(tmp_path: Path) -> None:
    project = tmp_path / "project"
    _tree(
        project,
        [
            "manage.py",
            "shop/models.py",
            "shop/tests.py",
            "shop/test_views.py",
            "shop/tests/test_x.py",
            "shop/__pycache__/models.cpython-311.pyc",
            "shop/templates/shop/var/page.html",
            "conftest.py",
            "db.sqlite3",
            "db.sqlite3-wal",
            ".env",
            ".git/config",
            ".venv/bin/python",
            "node_modules/x/index.js",
            "var/uploads/a.txt",
            "electron/package.json",
            "docs/index.md",
        ],
    )
    report = copying.copy_project(project, tmp_path / "app", copying.Rules(excludes=("docs/",)))
    assert _copied(tmp_path / "app") == {
        "manage.py",
        "shop/models.py",
        "shop/templates/shop/var/page.html",
    }
    assert report.files == 3
    assert report.skipped["var/"] == 1
    assert report.skipped["--exclude docs/"] == 1


def test_exclude_patterns_match_paths_or_names(tmp_path: Path) -> None:
    project = tmp_path / "p"
    _tree(project, ["a/local_settings.py", "a/settings.py", "notes.md", "b/notes.md"])
    rules = copying.Rules(excludes=("a/local_settings.py", "*.md"))
    copying.copy_project(project, tmp_path / "app", rules)
    assert _copied(tmp_path / "app") == {"a/settings.py"}


def test_the_output_inside_the_project_is_never_copied(tmp_path: Path) -> None:
    project = tmp_path / "p"
    output = project / "dist" / "django-bundle"
    _tree(
        project,
        ["manage.py", "dist/django-bundle/app/manage.py", "dist/.django-bundle.build-1-x/f"],
    )
    rules = copying.Rules(excluded_roots=(output, project / "dist" / ".django-bundle.build-1-x"))
    copying.copy_project(project, output.parent / ".django-bundle.build-1-x" / "app", rules)
    assert _copied(output.parent / ".django-bundle.build-1-x" / "app") == {"manage.py"}


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges")
def test_symlinks_leaving_the_project_are_skipped(tmp_path: Path) -> None:
    project = tmp_path / "p"
    _tree(project, ["manage.py", "real.txt"])
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (project / "inside.txt").symlink_to(project / "real.txt")
    (project / "outside.txt").symlink_to(secret)
    (project / "linked-dir").symlink_to(tmp_path)
    report = copying.copy_project(project, tmp_path / "app", copying.Rules())
    assert _copied(tmp_path / "app") == {"manage.py", "real.txt", "inside.txt"}
    assert not (tmp_path / "app" / "inside.txt").is_symlink()
    assert len(report.warnings) == 2
