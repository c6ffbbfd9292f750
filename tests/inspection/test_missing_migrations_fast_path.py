"""The probe's fast "no missing migrations" answer never hides a change.

``probe_script.same_states`` lets a live scan skip ``MigrationAutodetector`` when the
state rebuilt from migrations and the models' state cannot differ in anything the
autodetector acts on. Each case below is a pair of states; the real autodetector is
the judge: a fast "same" must mean it finds nothing, and every real change must fall
through to it. Cosmetic differences real projects have (Wagtail's mixin bases, an index
recorded twice, ``SET()`` closures) must keep the fast path.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models
from django.db.migrations import Migration
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.graph import MigrationGraph
from django.db.migrations.questioner import MigrationQuestioner
from django.db.migrations.state import ModelState, ProjectState

from djdesk_inspector.inspection import probe_script

APP = "shop"


class Mixin:
    """A plain mixin: Django records a model's bases, but never diffs them."""


def author(**options: Any) -> ModelState:
    return ModelState(
        APP,
        "Author",
        [
            ("id", models.AutoField(primary_key=True, serialize=False)),
            ("name", models.CharField(max_length=50)),
        ],
        options,
    )


def book(
    *,
    max_length: int = 100,
    extra: tuple[str, models.Field[Any, Any]] | None = None,
    bases: tuple[Any, ...] = (models.Model,),
    managers: list[tuple[str, models.Manager[Any]]] | None = None,
    **options: Any,
) -> ModelState:
    fields: list[tuple[str, models.Field[Any, Any]]] = [
        ("id", models.AutoField(primary_key=True, serialize=False)),
        ("title", models.CharField(max_length=max_length)),
        ("author", models.ForeignKey(f"{APP}.author", on_delete=models.SET(0))),
    ]
    if extra:
        fields.append(extra)
    return ModelState(APP, "Book", fields, options, bases, managers or [])


class Wrapping(models.CharField[Any, Any]):
    """A field with a field in its deconstruction, like ArrayField's ``base_field``."""

    def __init__(self, *args: Any, inner: models.Field[Any, Any], **kwargs: Any) -> None:
        self.inner = inner
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, _, args, kwargs = super().deconstruct()
        kwargs["inner"] = self.inner.clone()
        return name, f"{__name__}.Wrapping", args, kwargs


def wrapped(length: int) -> tuple[str, models.Field[Any, Any]]:
    return ("tags", Wrapping(max_length=50, inner=models.CharField(max_length=length)))


class InMigrations(models.Manager[Any]):
    use_in_migrations = True


INDEX = models.Index(fields=["title"], name="shop_book_title_idx")

# name -> (state from migrations, state of the models, is it a real change?)
CASES: dict[str, tuple[list[ModelState], list[ModelState], bool]] = {
    "identical": ([author(), book()], [author(), book()], False),
    "mixin bases": ([author(), book()], [author(), book(bases=(Mixin, models.Model))], False),
    "abstract False": ([author(), book()], [author(), book(abstract=False)], False),
    "unique_together None vs empty": (
        [author(), book(unique_together=set())],
        [author(), book(unique_together=None)],
        False,
    ),
    "index recorded twice": (
        [author(), book(indexes=[INDEX, INDEX])],
        [author(), book(indexes=[INDEX])],
        False,
    ),
    "field inside a field": (
        [author(), book(extra=wrapped(10))],
        [author(), book(extra=wrapped(10))],
        False,
    ),
    "field changed": ([author(), book()], [author(), book(max_length=200)], True),
    "field inside a field changed": (
        [author(), book(extra=wrapped(10))],
        [author(), book(extra=wrapped(20))],
        True,
    ),
    "field added": (
        [author(), book()],
        [author(), book(extra=("isbn", models.CharField(max_length=13, default="")))],
        True,
    ),
    "model added": ([book()], [author(), book()], True),
    "ordering added": ([author(), book()], [author(), book(ordering=["title"])], True),
    "index added": ([author(), book()], [author(), book(indexes=[INDEX])], True),
    "unique_together added": (
        [author(), book()],
        [author(), book(unique_together={("title", "author")})],
        True,
    ),
    "db_table changed": ([author(), book()], [author(), book(db_table="books")], True),
    "manager used in migrations": (
        [author(), book()],
        [author(), book(managers=[("objects", InMigrations())])],
        True,
    ),
    "other model's option": ([author(), book()], [author(verbose_name="writer"), book()], True),
}


def project_state(model_states: list[ModelState]) -> ProjectState:
    state = ProjectState()
    for model_state in model_states:
        state.add_model(model_state.clone())
    return state


def light(model_states: list[ModelState]) -> ProjectState:
    """What the probe compares: ``light_state`` of the models, rendered for real."""
    state = probe_script.light_state(project_state(model_states).apps)
    assert state is not None
    return state


def autodetected(old: list[ModelState], new: list[ModelState]) -> list[str]:
    graph = MigrationGraph()
    graph.add_node((APP, "0001_initial"), Migration("0001_initial", APP))
    questioner = MigrationQuestioner(specified_apps=set(), dry_run=True)
    models_state = ProjectState.from_apps(project_state(new).apps)  # as the probe builds it
    detector = MigrationAutodetector(project_state(old), models_state, questioner)
    changes = detector.changes(graph=graph)
    return [op.describe() for m in changes.get(APP, []) for op in m.operations]


def fast_answer(old: list[ModelState], new: list[ModelState]) -> bool:
    before = project_state(old)
    after = light(new)
    questioner = MigrationQuestioner(dry_run=True)
    deep = MigrationAutodetector(before, after, questioner).deep_deconstruct
    return bool(probe_script.same_states(before.models, after.models, {APP}, deep))


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_fast_path_agrees_with_the_autodetector(name: str) -> None:
    old, new, real_change = CASES[name]
    operations = autodetected(old, new)
    assert bool(operations) is real_change, operations
    # A real change must never be answered "same"; a cosmetic one must be.
    assert fast_answer(old, new) is (not real_change)


def test_apps_outside_the_migrated_labels_are_not_compared() -> None:
    before = project_state([author(), book()])
    after = light([author(), book(max_length=5)])
    deep = MigrationAutodetector(before, after, MigrationQuestioner()).deep_deconstruct
    assert probe_script.same_states(before.models, after.models, {"other"}, deep) is True
    assert probe_script.same_states(before.models, after.models, {APP}, deep) is False
