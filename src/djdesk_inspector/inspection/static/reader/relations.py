"""The closed set of relation kinds, declared once (the live probe carries a copy as
data, ``RELATION_KINDS`` in ``probe_script.py``; a test keeps the two equal).

A field's kind is that of the first class of its MRO found in ``RELATION_CLASSES``
(Django's own classes, matched by module and name), so a custom subclass maps to the
nearest kind and the document names its class. A relation class that derives from
none of them falls back on Django's cardinality flags (``CARDINALITY``).
"""

from __future__ import annotations

RELATION_KINDS = {
    "fk": "many-to-one: ForeignKey and its subclasses (ForeignObject too)",
    "o2o": "one-to-one: OneToOneField (multi-table parent links have parent_link true)",
    "m2m": "many-to-many: ManyToManyField, or any relation whose many_to_many is true",
    "generic_fk": "GenericForeignKey (content type + object id; no fixed target)",
    "generic_relation": "GenericRelation, the reverse side of a GenericForeignKey",
}

# (module, class name) -> kind; earlier rows win when a class derives from several.
RELATION_CLASSES = (
    ("django.db.models.fields.related", "OneToOneField", "o2o"),
    ("django.db.models.fields.related", "ForeignKey", "fk"),
    ("django.db.models.fields.related", "ManyToManyField", "m2m"),
    ("django.contrib.contenttypes.fields", "GenericForeignKey", "generic_fk"),
    ("django.contrib.contenttypes.fields", "GenericRelation", "generic_relation"),
    ("django.db.models.fields.related", "ForeignObject", "fk"),
)

# Django's cardinality flags -> kind, for relation classes outside RELATION_CLASSES.
CARDINALITY = (
    ("many_to_many", "m2m"),
    ("one_to_one", "o2o"),
    ("many_to_one", "fk"),
    ("one_to_many", "generic_relation"),
)
