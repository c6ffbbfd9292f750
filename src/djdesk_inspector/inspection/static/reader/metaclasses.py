"""Fields that well-known third-party metaclasses add to the models they build.

A metaclass can add fields no class body states. For the ones declared in ``KNOWN``
the reader adds those fields itself, so such models stay ``fields_complete``; a
row applies only when a model's metaclass resolves to exactly the row's class path.
Any other metaclass that adds fields leaves the model's list incomplete, with why.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class AddedFields(NamedTuple):
    """What one metaclass adds, as it does it.

    ``names`` are ``(option, default name)`` pairs in the order the metaclass adds the
    fields; an option is read from the model's inner ``options`` class (own literals
    first, then its bases' options). The fields go only to the first concrete,
    non-proxy model of a lineage the metaclass builds (its children inherit them), at
    the end of that model's own fields, and a name a field already has is skipped.
    """

    options: str
    names: tuple[tuple[str, str], ...]
    type: str
    null: bool
    unique: bool


# django-mptt 0.x, ``mptt/models.py``: ``MPTTModelBase.register`` adds
# ``PositiveIntegerField(db_index=..., editable=False)`` to ``_get_tree_model(cls)``
# (the first concrete, non-proxy MPTT model) unless a local field has the name.
KNOWN: dict[str, AddedFields] = {
    "mptt.models.MPTTModelBase": AddedFields(
        options="MPTTMeta",
        names=(
            ("left_attr", "lft"),
            ("right_attr", "rght"),
            ("tree_id_attr", "tree_id"),
            ("level_attr", "level"),
        ),
        type="PositiveIntegerField",
        null=False,
        unique=False,
    ),
}


def field(row: AddedFields, name: str) -> dict[str, Any]:
    """One added field in the document's shape."""
    return {"name": name, "type": row.type, "internal_type": None, "column": name,
            "null": row.null, "unique": row.unique, "primary_key": False,
            "inherited_from": None, "relation": None}  # fmt: skip
