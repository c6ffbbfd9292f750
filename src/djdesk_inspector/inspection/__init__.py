"""Inspection of Django projects on disk: live probe, static reader, derived views.

Entry point: :func:`djdesk_inspector.inspection.engine.inspect_project`. Both modes
produce the same JSON document (stored as ``Snapshot.data``); ``PROBE_VERSION``
(``probe_version``) changes when its shape does.

Snapshot document (version 1)
-----------------------------

Top level::

    probe_version     int
    mode              "live" | "static"
    generated_at      "YYYY-MM-DDTHH:MM:SSZ" (UTC)
    project           absolute project path
    python            {version, executable, implementation}      (null in static)
    django            {version}                                   (null in static)
    settings_module   "proj.settings"
    interpreter_origin  "explicit" | "project" | "host"; static: the interpreter the
                      reader ran in ("explicit"/"project"), null when in-process
    static_reader     (static only) {in_target, files_read, roots[], why}
    mode_reason       why this mode ran, e.g. "static: the workspace is not trusted ..."
                      or "live: the project is trusted; its code ran in ..."
    fallback_reason   null, or why auto mode ran static instead of live
    unknown           {path: reason} for every fact the scan could not read; the fact
                      itself is null (see inspection/unknowns.py), e.g.
                      {"checks": "...", "migrations.applied": "database unreachable: ...",
                       "settings.DEBUG": "static scan: not a literal ..."}
    apps[]            {label, name, path, verbose_name, has_migrations, has_models_module}
                      (path/has_* are null for apps outside the project in static mode)
    models[]          see below, sorted by (app_label, name)
    migrations        see below
    checks            {messages[], deploy[]}; a message is
                      {level: "DEBUG"|"INFO"|"WARNING"|"ERROR"|"CRITICAL", level_no,
                       id, msg, hint, obj}. ``deploy`` holds only the messages of
                      deployment checks (``check --deploy`` minus ``check``);
                      silenced messages are left out
    urls[]            {route, name, qualified_name ("ns:sub:name"), view (dotted path),
                       namespaces[], includes[] (cumulative prefixes of the includes
                       the pattern sits in)}; flattened, in resolution order
    settings          {DEBUG, ALLOWED_HOSTS, INSTALLED_APPS_COUNT,
                       DATABASES{alias: {engine, name, host, port}}  (never a password),
                       SECRET_KEY_SET (bool only), TIME_ZONE, USE_TZ, LANGUAGE_CODE,
                       AUTH_USER_MODEL, ROOT_URLCONF, STATIC_URL, MIDDLEWARE[],
                       DEFAULT_AUTO_FIELD}; redacted
    errors[]          {stage, type, message, traceback, [check], [missing_module],
                       [module, location] (the deepest frame outside Django, the import
                       machinery and the stdlib)}: parts the probe could not read;
                      the rest of the document is still valid
    timings           {stage: seconds}

``models[]``::

    label, app_label, name, db_table (null when abstract), abstract, proxy, managed,
    auto_created (M2M through tables), swappable (setting name or null),
    swapped (label it is swapped for, or null), bases[] (labels of model bases,
    abstract ones included), fields[]

    field: name, type (class name), internal_type (null in static), column (null
    for M2M and generic relations), null, unique, primary_key,
    inherited_from (label of the concrete parent that owns it, or null),
    relation: null | {kind: "fk"|"o2o"|"m2m"|"generic_fk"|"generic_relation",
                      target (label; null for generic_fk), related_name,
                      parent_link (fk/o2o), through + through_auto_created (m2m),
                      ct_field + fk_field (generic_fk),
                      class (dotted path; only for a relation class not Django's own)}
    The kinds are a closed set declared in static/reader/relations.py (the probe
    carries a copy as data). Static scans add, per model, ``fields_complete`` (bool)
    and ``fields_incomplete_reason``, and per field ``unknown`` ({attribute: reason})
    for values that are null because they could not be read.

    Fields are the forward fields Django reports (``_meta.fields``, M2Ms, private
    fields): inherited ones included. Abstract models are found by walking the
    subclasses of ``models.Model`` declared in installed apps.

``migrations``::

    db_reachable   bool: the applied state was read from the default database
    db_error       why it was not (missing SQLite file, connection error ...), or null
    apps           {label: {nodes[{name, dependencies[[app, name]], applied (bool, or
                   null when unknown), replaces[[app, name]], initial}], leaves[names],
                   conflict (bool)}}
    unapplied      [[app, name]] in plan order; null when db_reachable is false
                   (db_error "not created yet: run migrate (...)" for a SQLite file
                   that does not exist, "unreachable: ..." otherwise)
    conflicts      {app: [leaf names]} for apps with more than one leaf
    missing        {has_changes (bool, null when unknown),
                    apps {label: [operation descriptions]}}: model changes that have
                   no migration, as ``makemigrations --check --dry-run`` sees them
"""

from djdesk_inspector.inspection.errors import ScanError
from djdesk_inspector.inspection.probe_script import PROBE_VERSION

__all__ = ["PROBE_VERSION", "ScanError"]
