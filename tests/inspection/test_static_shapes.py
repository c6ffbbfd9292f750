"""The static reader against the live probe on the shapes real projects have.

Each sample comes from ``telemetry.samples``; the live document is the truth. A
static field whose value the reader could not evaluate must be ``null`` and named in
the field's ``unknown``; everything else must equal the live scan.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import django
import pytest
from telemetry import samples

from djdesk_inspector.inspection import live, probe_script, static
from djdesk_inspector.inspection.static.reader import relations

from .conftest import fields_by_name, models_by_label
from .projects import make_venv

COMPARED = ("name", "type", "column", "null", "unique", "primary_key", "inherited_from",
            "relation")  # fmt: skip
MODEL_KEYS = ("app_label", "name", "db_table", "abstract", "proxy", "managed", "auto_created",
              "swappable", "swapped", "bases")  # fmt: skip
COMPOSITE = django.VERSION >= (5, 2)


def assert_agrees(static_doc: dict[str, Any], live_doc: dict[str, Any]) -> None:
    """Every live model is in the static document with the same facts, except values
    the static one marks unknown (null plus a reason)."""
    static_models = models_by_label(static_doc)
    live_models = models_by_label(live_doc)
    assert set(static_models) == set(live_models)
    for label, expected in live_models.items():
        model = static_models[label]
        for key in MODEL_KEYS:
            assert model[key] == expected[key], (label, key)
        assert model["fields_complete"] is True, (label, model["fields_incomplete_reason"])
        assert [f["name"] for f in model["fields"]] == [f["name"] for f in expected["fields"]]
        for field, truth in zip(model["fields"], expected["fields"], strict=True):
            unknown = field.get("unknown", {})
            for key in COMPARED:
                if key in unknown:
                    assert field[key] is None, (label, field["name"], key)
                else:
                    assert field[key] == truth[key], (label, field["name"], key)
    static_apps = {a["name"]: a["label"] for a in static_doc["apps"]}
    assert static_apps == {a["name"]: a["label"] for a in live_doc["apps"]}


def _purelib(python: Path) -> Path:
    out = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout.strip()  # fmt: skip
    return Path(out)


# -- mixins, MTI, proxies, auto-created M2M tables, custom relation classes ------------


@pytest.fixture(scope="module")
def zoo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return samples.write_inheritance_project(
        tmp_path_factory.mktemp("zoo") / "project", composite=COMPOSITE
    )


def test_inheritance_agrees_with_live_in_the_target(zoo: Path) -> None:
    doc = static.scan(zoo, interpreter=sys.executable)
    assert doc["static_reader"]["in_target"] is True
    assert doc["errors"] == []
    assert_agrees(doc, live.scan(zoo))


def test_mixins_are_not_parents_and_links_point_at_models(zoo: Path) -> None:
    models = models_by_label(static.scan(zoo))
    for model in models.values():
        for f in model["fields"]:
            if f["name"].endswith("_ptr"):
                assert f["relation"]["target"] in models, (model["label"], f["name"])
    animal = fields_by_name(models["zoo.Animal"])
    assert list(animal) == ["id", "created", "name"]  # Describable adds nothing
    assert models["zoo.Animal"]["bases"] == ["zoo.Stamped"]
    dog = fields_by_name(models["zoo.Dog"])
    assert dog["animal_ptr"]["primary_key"] is True
    assert dog["animal_ptr"]["relation"]["target"] == "zoo.Animal"
    assert dog["name"]["inherited_from"] == "zoo.Animal"
    assert models["zoo.Puppy"]["fields"] == [  # a proxy adds nothing
        dict(f, inherited_from=f["inherited_from"] or "zoo.Dog")
        for f in models["zoo.Dog"]["fields"]
    ]


def test_auto_created_m2m_tables_are_listed(zoo: Path) -> None:
    models = models_by_label(static.scan(zoo))
    through = models["zoo.Keeper_animals"]
    assert through["auto_created"] is True
    assert through["db_table"] == "zoo_people_animals"  # from the owner's db_table
    assert [f["name"] for f in through["fields"]] == ["id", "keeper", "animal"]
    assert [f["name"] for f in models["zoo.Keeper_friends"]["fields"]] == [
        "id", "from_keeper", "to_keeper"
    ]  # fmt: skip


def test_custom_relation_class_keeps_a_documented_kind(zoo: Path) -> None:
    for doc in (static.scan(zoo), live.scan(zoo)):
        keeper = fields_by_name(models_by_label(doc)["zoo.Ticket"])["keeper"]
        assert keeper["relation"]["kind"] == "fk"
        assert keeper["relation"]["class"] == "zoo.fields.KeeperKey"
        for model in doc["models"]:
            for f in model["fields"]:
                if f["relation"]:
                    assert f["relation"]["kind"] in relations.RELATION_KINDS


def test_a_value_that_is_not_literal_is_null_with_a_reason(zoo: Path) -> None:
    nickname = fields_by_name(models_by_label(static.scan(zoo))["zoo.Keeper"])["nickname"]
    assert nickname["null"] is None
    assert (
        "settings.DEBUG" in nickname["unknown"]["null"]
        or "not a literal" in (nickname["unknown"]["null"])
    )


@pytest.mark.skipif(not COMPOSITE, reason="CompositePrimaryKey needs Django 5.2")
def test_composite_primary_key_invents_no_id(zoo: Path) -> None:
    visit = models_by_label(static.scan(zoo))["zoo.Visit"]
    fields = fields_by_name(visit)
    assert "id" not in fields
    assert fields["pk"]["type"] == "CompositePrimaryKey"
    assert fields["pk"]["primary_key"] is True and fields["pk"]["column"] is None


# -- src/ layouts and sys.path changes in manage.py -----------------------------------


def test_src_layout_and_manage_py_path_changes(tmp_path: Path) -> None:
    root = samples.write_src_layout_project(tmp_path / "project")
    doc = static.scan(root)
    assert doc["errors"] == []
    apps = {a["name"]: a for a in doc["apps"]}
    assert apps["orders"]["label"] == "shop_orders"
    assert all(apps[name]["path"] for name in ("catalog", "orders", "reviews"))
    models = models_by_label(doc)
    assert {"catalog.Product", "shop_orders.Order", "reviews.Review"} <= set(models)
    review = fields_by_name(models["reviews.Review"])
    assert review["order"]["relation"]["target"] == "shop_orders.Order"


@pytest.mark.slow
def test_src_layout_agrees_with_live(tmp_path: Path) -> None:
    root = samples.write_src_layout_project(tmp_path / "project")
    python = make_venv(tmp_path / "venv", with_django=True)
    # Installed the way a src-layout project usually is (an editable install's .pth).
    (_purelib(python) / "project.pth").write_text(f"{root / 'src'}\n{root / 'apps'}\n")
    assert_agrees(static.scan(root, interpreter=python), live.scan(root, interpreter=python))


# -- third-party apps read from the target's site-packages ----------------------------


@pytest.fixture(scope="module")
def shelf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("shelf")
    python = make_venv(base / "venv", with_django=True)
    samples.write_site_package(_purelib(python))
    return samples.write_thirdparty_project(base / "project"), python


@pytest.mark.slow
def test_third_party_apps_agree_with_live(shelf: tuple[Path, Path]) -> None:
    root, python = shelf
    doc = static.scan(root, interpreter=python)
    assert doc["errors"] == []
    assert_agrees(doc, live.scan(root, interpreter=python))
    labels = {a["name"]: a["label"] for a in doc["apps"]}
    assert labels["libshelf"] == "shelfbase" and labels["libshelf.search"] == "shelfsearch"
    models = models_by_label(doc)
    book = fields_by_name(models["library.Book"])
    assert book["publication_ptr"]["relation"]["target"] == "shelfbase.Publication"
    assert book["title"]["inherited_from"] == "shelfbase.Publication"
    assert book["id"]["type"] == "AutoField"  # libshelf's default_auto_field
    assert {"password", "last_login", "username"} <= set(fields_by_name(models["library.Reader"]))


@pytest.mark.slow
def test_without_an_interpreter_unreadable_bases_are_said_not_guessed(
    shelf: tuple[Path, Path],
) -> None:
    root, _ = shelf
    doc = static.scan(root)  # no interpreter: only the project's own source
    assert doc["static_reader"]["in_target"] is False
    models = models_by_label(doc)
    book = models["library.Book"]
    assert book["fields_complete"] is False
    assert "libshelf.models" in book["fields_incomplete_reason"]
    assert [f["name"] for f in book["fields"]] == ["isbn", "reader"]  # no invented id/ptr
    assert book["bases"] == []
    apps = {a["name"]: a for a in doc["apps"]}
    assert apps["libshelf.search"]["label_unknown_reason"]


# -- the target's Python parses its own syntax ---------------------------------------


def _python312() -> Path | None:
    try:
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True, timeout=30)
    except OSError:
        return None
    found = sorted(Path(root.stdout.strip(), "versions").glob("3.12*/bin/python"))
    return found[-1] if found else None


@pytest.mark.slow
@pytest.mark.skipif(_python312() is None, reason="needs a Python 3.12 (pyenv)")
def test_newer_syntax_is_parsed_by_the_targets_python(tmp_path: Path) -> None:
    root = samples.write_modern_syntax_project(tmp_path / "project")
    base = _python312()
    assert base is not None
    subprocess.run([str(base), "-m", "venv", "--without-pip", str(tmp_path / "v")],
                   check=True, timeout=120)  # fmt: skip
    python = tmp_path / "v" / "bin" / "python"
    (_purelib(python) / "host.pth").write_text(f"{Path(django.__file__).parent.parent}\n")
    doc = static.scan(root, interpreter=python)
    assert doc["errors"] == []
    assert doc["python"]["version"].startswith("3.12")
    assert_agrees(doc, live.scan(root, interpreter=python))
    if sys.version_info < (3, 12):
        host = static.scan(root)  # djdesk's own (older) interpreter cannot parse it
        [error] = host["errors"]
        assert error["stage"] == "parse" and error["type"] == "SyntaxError"
        assert error["path"] == str((root / "modern" / "models.py").resolve())
        assert "modern.Entry" not in models_by_label(host)


def test_a_file_that_cannot_be_parsed_is_listed(tmp_path: Path) -> None:
    root = samples.write_src_layout_project(tmp_path / "project")
    broken = root / "src" / "catalog" / "models.py"
    broken.write_text(broken.read_text() + "\nclass Broken(:\n")
    for doc in (static.scan(root), static.scan(root, interpreter=sys.executable)):
        paths = [e["path"] for e in doc["errors"] if e["stage"] == "parse"]
        assert paths == [str(broken.resolve())]


# -- the relation-kind table -----------------------------------------------------------


def test_probe_carries_the_same_relation_table() -> None:
    assert probe_script.RELATION_KINDS == relations.RELATION_KINDS
    assert probe_script.RELATION_CLASSES == relations.RELATION_CLASSES
    assert probe_script.CARDINALITY == relations.CARDINALITY
    assert {kind for _, _, kind in relations.RELATION_CLASSES} == set(relations.RELATION_KINDS)


def test_docs_list_every_relation_kind() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "inspection.rst").read_text()
    for kind in relations.RELATION_KINDS:
        assert f"``{kind}``" in text


def test_reader_runs_under_python_38(tmp_path: Path) -> None:
    """The reader core is stdlib-only and keeps to Python 3.8 (like the probe)."""
    try:
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True, timeout=30)
    except OSError:
        pytest.skip("no pyenv")
    found = sorted(Path(root.stdout.strip(), "versions").glob("3.8*/bin/python"))
    if not found:
        pytest.skip("no Python 3.8 here")
    project = samples.write_inheritance_project(tmp_path / "project", composite=False)
    doc = static.scan(project, interpreter=found[-1])
    assert doc["static_reader"]["in_target"] is True, doc["errors"]
    assert doc["python"]["version"].startswith("3.8")
    assert "zoo.Dog" in models_by_label(doc)


def test_apps_removed_under_an_undecidable_if_are_flagged(tmp_path: Path) -> None:
    root = samples.write_src_layout_project(tmp_path / "project")
    settings = root / "src" / "srcproj" / "settings.py"
    settings.write_text(
        settings.read_text()
        + "import os\nDEBUG = os.environ.get('DEBUG') == '1'\n"
        + "if not DEBUG:\n    INSTALLED_APPS.remove('reviews')\n"
        + "if True:\n    INSTALLED_APPS.append('django.contrib.sessions')\n"
    )
    apps = {a["name"]: a for a in static.scan(root)["apps"]}
    assert "line" in apps["reviews"]["installed_unknown_reason"]
    assert apps["catalog"]["installed_unknown_reason"] is None
    assert "django.contrib.sessions" in apps  # a literal condition is followed


def test_fields_added_at_run_time_make_the_list_incomplete(tmp_path: Path) -> None:
    """A field class that adds fields of its own (taggit's ``tagged_items``) or a
    metaclass (django-mptt's ``lft``...) is said, not guessed."""
    root = samples.write_src_layout_project(tmp_path / "project")
    (root / "src" / "catalog" / "fields.py").write_text(
        "from django.db import models\n\n\n"
        "class Tags(models.ManyToManyField):\n"
        "    def contribute_to_class(self, cls, name, **kwargs):\n"
        "        super().contribute_to_class(cls, name, **kwargs)\n"
        "        models.IntegerField(null=True).contribute_to_class(cls, name + '_count')\n\n\n"
        "class TreeBase(models.base.ModelBase):\n"
        "    def __new__(mcs, name, bases, attrs, **kwargs):\n"
        "        cls = super().__new__(mcs, name, bases, attrs, **kwargs)\n"
        "        cls.add_to_class('lft', models.IntegerField(default=0))\n"
        "        return cls\n"
    )
    models_py = root / "src" / "catalog" / "models.py"
    models_py.write_text(
        models_py.read_text()
        + "\n\nfrom .fields import Tags, TreeBase\n\n\n"
        + "class Shelf(models.Model):\n    tags = Tags('Product')\n\n\n"
        + "class Node(models.Model, metaclass=TreeBase):\n    name = models.CharField(max_length=9)\n"
    )
    models = models_by_label(static.scan(root))
    assert models["catalog.Shelf"]["fields_complete"] is False
    assert "catalog.fields.Tags" in models["catalog.Shelf"]["fields_incomplete_reason"]
    assert models["catalog.Node"]["fields_complete"] is False
    assert "metaclass" in models["catalog.Node"]["fields_incomplete_reason"]
    assert models["catalog.Product"]["fields_complete"] is True


# -- fields a known metaclass adds (django-mptt, installed from PyPI) -------------------


@pytest.fixture(scope="module")
def forest(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("forest")
    python = make_venv(base / "venv", with_django=True)
    # The real package, not a look-alike; --no-deps: Django comes from the host.
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--target", str(_purelib(python)), "django-mptt", "django-js-asset"],
        check=True, timeout=600,
    )  # fmt: skip
    return samples.write_mptt_project(base / "project"), python


@pytest.mark.slow
def test_mptt_tree_fields_agree_with_live(forest: tuple[Path, Path]) -> None:
    root, python = forest
    doc = static.scan(root, interpreter=python)
    assert doc["errors"] == []
    assert_agrees(doc, live.scan(root, interpreter=python))  # names, types, order, complete
    models = models_by_label(doc)

    def names(label: str) -> list[str]:
        return [f["name"] for f in models[label]["fields"]]

    assert names("forest.Genre")[-6:] == ["lft", "rght", "tree_id", "level", "links", "notes"]
    assert names("forest.Shelf")[-4:] == ["lo", "rght", "tree_id", "level"]
    assert names("forest.Region")[-4:] == ["lft", "rght", "tree_id", "depth"]  # inherited
    assert names("forest.Chapter").count("level") == 1
    assert fields_by_name(models["forest.Chapter"])["level"]["type"] == "PositiveSmallIntegerField"
    featured = fields_by_name(models["forest.FeaturedGenre"])
    assert featured["lft"]["inherited_from"] == "forest.Genre"


@pytest.mark.slow
def test_a_metaclass_that_only_derives_from_a_known_one_is_not_guessed(
    forest: tuple[Path, Path], tmp_path: Path
) -> None:
    """The table applies to exactly ``mptt.models.MPTTModelBase``: a subclass of it
    may add other fields, so the model is said incomplete and gets no tree fields."""
    _, python = forest
    copy = tmp_path / "project"
    samples.write_mptt_project(copy)
    models_py = copy / "forest" / "models.py"
    models_py.write_text(
        models_py.read_text()
        + "\n\nfrom mptt.models import MPTTModelBase\n\n\n"
        + "class OwnBase(MPTTModelBase):\n    pass\n\n\n"
        + "class Odd(models.Model, metaclass=OwnBase):\n    name = models.CharField(max_length=9)\n"
    )
    odd = models_by_label(static.scan(copy, interpreter=python))["forest.Odd"]
    assert odd["fields_complete"] is False
    assert "mptt.models.MPTTModelBase adds fields" in odd["fields_incomplete_reason"]
    assert [f["name"] for f in odd["fields"]] == ["id", "name"]
