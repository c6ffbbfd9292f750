"""The static reader core: stdlib-only, Python 3.8+, so it can run inside the target's
own interpreter (``python -B -m reader``, see ``__main__``) as well as in-process.

One concept per module: ``finder`` (where modules live), ``settings_reader``
(literal settings), ``appconfigs`` (labels), ``resolve`` (names across modules),
``models`` (model classes, fields, Meta), ``relations`` (the relation-kind table),
``migrations`` (the graph), ``document`` (the snapshot document). No project code is
ever imported or executed: every file is parsed with :mod:`ast`.
"""
