from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from djdesk_inspector.models import Workspace

pytestmark = pytest.mark.django_db


def test_create_generates_unique_slugs(tmp_path):
    first = Workspace.objects.create(name="Fleet Ops", project_path=str(tmp_path / "a"))
    second = Workspace.objects.create(name="Fleet Ops", project_path=str(tmp_path / "b"))
    assert (first.slug, second.slug) == ("fleet-ops", "fleet-ops-2")


def test_save_generates_slug_for_plain_instances(tmp_path):
    workspace = Workspace(name="Ünïcode Näme!", project_path=str(tmp_path))
    workspace.save()
    assert workspace.slug == "unicode-name"


def test_name_without_slug_characters_still_gets_a_slug(tmp_path):
    assert Workspace.objects.create(name="???", project_path=str(tmp_path)).slug == "workspace"


def test_bulk_create_generates_slugs_unique_within_the_batch(tmp_path):
    Workspace.objects.create(name="Polls", project_path=str(tmp_path / "0"))
    created = Workspace.objects.bulk_create(
        [Workspace(name="Polls", project_path=str(tmp_path / str(i))) for i in range(1, 4)]
    )
    assert [w.slug for w in created] == ["polls-2", "polls-3", "polls-4"]
    assert not Workspace.objects.filter(slug="").exists()


@pytest.mark.django_db(transaction=True)
def test_data_migration_style_creation_gets_slugs(tmp_path):
    """Historical models (as a data migration sees them) keep the slug-filling manager."""
    state = MigrationExecutor(connection).loader.project_state()
    historical = state.apps.get_model("djdesk_inspector", "Workspace")
    historical.objects.create(name="Seeded Project", project_path=str(tmp_path / "seed"))
    historical.objects.bulk_create(
        [historical(name="Seeded Project", project_path=str(tmp_path / "seed2"))]
    )
    slugs = set(Workspace.objects.values_list("slug", flat=True))
    assert slugs == {"seeded-project", "seeded-project-2"}


def test_database_rejects_an_empty_slug(tmp_path):
    workspace = Workspace.objects.create(name="x", project_path=str(tmp_path))
    with pytest.raises(IntegrityError), transaction.atomic():
        Workspace.objects.filter(pk=workspace.pk).update(slug="")


def test_project_path_is_unique(tmp_path):
    Workspace.objects.create(name="a", project_path=str(tmp_path))
    with pytest.raises(IntegrityError), transaction.atomic():
        Workspace.objects.create(name="b", project_path=str(tmp_path))
