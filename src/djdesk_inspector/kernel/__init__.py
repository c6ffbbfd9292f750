"""What every djdesk app shares, one layer below the apps.

Settings mechanism, JSON API plumbing, the OpenAPI builder, paths, redaction, the
child environment, child processes, jobs, slugs, compat and git info live here. The
kernel imports no app's models; apps import the kernel, and the electron kit imports
nothing else of ``djdesk_inspector``. What an app contributes (URL mount, status
sections, OpenAPI operations, reapers, job kinds) it declares on its ``AppConfig``;
:mod:`.registry` collects it from the installed apps.
"""
