"""Project-specific templates, configured through DJDESK_DATALAB["TEMPLATES"] in tests."""

from __future__ import annotations

from djdesk_inspector.datalab.authoring import Notebook
from djdesk_inspector.datalab.registry import Built, NotebookTemplate, Source


def _notebook(source: Source, slug: str, *cells: str) -> Built:
    nb = Notebook(source, slug=slug, title=slug)
    nb.setup(["names.json"])
    for cell in cells:
        nb.code(cell)
    names = [m["label"] for m in source.document.get("models") or []]
    return Built(nb.build(), {"names.json": names})


def build_model_names(source: Source) -> Built:
    return _notebook(source, "model-names", "show([(n,) for n in NAMES], ['model'])")


def build_broken(source: Source) -> Built:
    raise RuntimeError("builder bug")


def build_env_probe(source: Source) -> Built:
    return _notebook(
        source,
        "env-probe",
        "import os, sys\n"
        "Path('env.json').write_text(json.dumps({'env': dict(os.environ), 'cwd': os.getcwd(), "
        "'executable': sys.executable}))\n"
        "print(sorted(os.environ))",
    )


def build_failing(source: Source) -> Built:
    return _notebook(source, "failing", "print('before')", "raise ValueError('cell bug')")


def build_slow(source: Source) -> Built:
    return _notebook(source, "slow", "import time\ntime.sleep(60)")


def build_scripted(source: Source) -> Built:
    """Outputs markup with a script: the preview must show it inert."""
    return _notebook(
        source,
        "scripted",
        'display(HTML(\'<p id="inert">inert</p><script>document.title = "pwned"</script>\'))',
    )


def _template(slug: str, builder: str) -> NotebookTemplate:
    return NotebookTemplate(
        slug=slug,
        title=slug.replace("-", " ").title(),
        description=f"Test template {slug}.",
        tags=("test",),
        builder=f"tests.datalab.custom_templates.{builder}",
    )


MODEL_NAMES = _template("model-names", "build_model_names")
BROKEN = _template("broken", "build_broken")
ENV_PROBE = _template("env-probe", "build_env_probe")
FAILING = _template("failing", "build_failing")
SLOW = _template("slow", "build_slow")
SCRIPTED = _template("scripted", "build_scripted")
DUPLICATE = _template("schema-audit", "build_model_names")
BAD_SLUG = _template("Bad Slug", "build_model_names")
MISSING_BUILDER = NotebookTemplate(
    slug="missing-builder", title="Missing", description="", builder="tests.datalab.nowhere.build"
)
NOT_A_TEMPLATE = {"slug": "dict"}
