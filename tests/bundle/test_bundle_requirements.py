"""Step 2 inputs: where requirements come from, pin detection, the kit taken out."""

from __future__ import annotations

from pathlib import Path

import pytest

from djdesk_electron_kit.bundle import requirements
from djdesk_electron_kit.bundle.errors import BundleError


@pytest.mark.parametrize(
    ("line", "pinned"),
    [
        ("Django==5.2.1", True),
        ("django-tasks===0.12", True),
        ("pkg @ https://example.com/pkg-1.0.tar.gz", True),
        ("Django==5.2.*", False),
        ("Django>=5.2", False),
        ("Django>=5.2,<6", False),
        ("Django", False),
        ("waitress==3.0.2; python_version >= '3.10'", True),
        ("Django==5.2.1 --hash=sha256:abc", True),
    ],
)
def test_pinned(line: str, pinned: bool) -> None:
    assert requirements.parse(line).pinned is pinned


def test_names_and_extras_are_normalized() -> None:
    parsed = requirements.parse("Djdesk_Inspector[Compat, Docs] >= 0.1 ; python_version < '4'")
    assert parsed.name == "djdesk-inspector"
    assert parsed.extras == ("compat", "docs")
    assert parsed.marker == "python_version < '4'"


def test_requirements_txt_with_includes_options_and_comments(tmp_path: Path) -> None:
    (tmp_path / "constraints.txt").write_text("Django<6\n")
    (tmp_path / "base.txt").write_text("waitress==3.0.2  # server\n")
    (tmp_path / "requirements.txt").write_text(
        "# the app\n"
        "-r base.txt\n"
        "-c constraints.txt\n"
        "--extra-index-url https://example.com/simple\n"
        "Django>=5.2 \\\n"
        "    ; python_version >= '3.10'\n"
        "djdesk-inspector[compat]==0.1.0\n"
    )
    found = requirements.find(tmp_path)
    assert found.source == "requirements.txt"
    assert [r.line for r in found.requirements] == [
        "waitress==3.0.2",
        "Django>=5.2 ; python_version >= '3.10'",
    ]
    assert found.options == (
        f"-c {(tmp_path / 'constraints.txt').resolve()}",
        "--extra-index-url https://example.com/simple",
    )
    assert found.kit_extras == ("compat",)
    assert found.unpinned() == ["Django>=5.2 ; python_version >= '3.10'"]


def test_pyproject_dependencies_win_over_requirements_txt(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = ["Django==5.2.1", "djdesk-inspector"]\n'
    )
    (tmp_path / "requirements.txt").write_text("flask\n")
    found = requirements.find(tmp_path)
    assert found.source == "pyproject.toml"
    assert [r.line for r in found.requirements] == ["Django==5.2.1"]


def test_a_pyproject_without_dependencies_falls_back(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    (tmp_path / "requirements.txt").write_text("Django==5.2.1\n")
    assert requirements.find(tmp_path).source == "requirements.txt"


def test_explicit_file_and_nothing_found(tmp_path: Path) -> None:
    (tmp_path / "deps").mkdir()
    (tmp_path / "deps" / "prod.txt").write_text("Django==5.2.1\n")
    assert requirements.find(tmp_path, Path("deps/prod.txt")).source == "deps/prod.txt"
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = requirements.find(empty)
    assert (nothing.source, nothing.requirements) == ("", ())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("-e ./lib\n", "editable requirement"),
        ("--user\n", "unsupported option line"),
        ("-r requirements.txt\n", "includes itself"),
    ],
)
def test_refused_requirement_files(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "requirements.txt").write_text(content)
    with pytest.raises(BundleError, match=message):
        requirements.find(tmp_path)


def test_kit_requirements_resolve_extras(monkeypatch: pytest.MonkeyPatch) -> None:
    declared = [
        "Django>=5.2",
        "django-tasks>=0.12; python_version < '3.12'",
        "django-tasks>=0.12; extra == 'compat'",
        'sphinx>=7.4; extra == "docs"',
        "furo; python_version >= '3.10' and extra == 'docs'",
    ]
    monkeypatch.setattr(requirements, "_declared_kit_requirements", lambda: declared)
    assert requirements.kit_requirements(()) == [
        "Django>=5.2",
        "django-tasks>=0.12; python_version < '3.12'",
    ]
    assert requirements.kit_requirements(("docs",)) == [
        "Django>=5.2",
        "django-tasks>=0.12; python_version < '3.12'",
        "sphinx>=7.4",
        "furo; python_version >= '3.10'",
    ]


def test_the_installed_kit_declares_django() -> None:
    assert any(line.lower().startswith("django>=") for line in requirements.kit_requirements(()))


def test_requirements_text_puts_options_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(requirements, "_declared_kit_requirements", lambda: ["waitress>=3"])
    found = requirements.RequirementSet(
        source="requirements.txt",
        requirements=(requirements.parse("Django==5.2.1"),),
        options=("--index-url https://example.com/simple",),
        kit_extras=(),
    )
    assert requirements.requirements_text(found) == (
        "--index-url https://example.com/simple\nDjango==5.2.1\nwaitress>=3\n"
    )
