"""Write real Django projects to disk for tests, benchmarks and the demo.

One generator, so the test suite, ``bench/inspect.py`` and the demo's sample
workspaces exercise the same shapes. A project has:

* a ``showcase`` app with every model shape the inspector must understand: a custom
  swappable user model (``AUTH_USER_MODEL``), an abstract base, multi-table
  inheritance, a proxy, an M2M with ``through``, a ``GenericForeignKey``; nested URL
  includes with namespaces; optional custom check messages;
* ``apps`` generated apps of ``models_per_app`` models each, chained by foreign keys
  (also across apps) and M2Ms, with ``migrations_per_app`` migrations per app;
* optionally a ``db.sqlite3`` whose ``django_migrations`` table records everything
  as applied except the last migration (``with_unapplied``), a two-leaf conflict
  (``with_conflict``), a model change without a migration (``with_missing``), a
  settings module that prints at import (``prints_at_import``) or raises
  (``broken_settings``).

Migrations are written from templates in the form ``makemigrations`` produces, so
Django 3.2 to 6.1 all agree there is nothing to migrate unless ``with_missing``.
Writing is idempotent: the same arguments leave an existing project untouched.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

MARKER = ".djdesk-sample.json"
SHOWCASE = "showcase"
SHOWCASE_MIGRATION = (SHOWCASE, "0001_initial")
CONTRIB_APPS = ("contenttypes", "auth")
_APPLIED_AT = "2024-01-01 00:00:00"


@dataclass(frozen=True)
class SampleProject:
    """What was written, so callers can assert against it."""

    root: Path
    name: str
    settings_module: str
    apps: tuple[str, ...]
    migrations: tuple[tuple[str, str], ...]
    unapplied: tuple[tuple[str, str], ...]
    conflict: tuple[str, tuple[str, ...]] | None
    missing_app: str | None
    models: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["root"] = str(self.root)
        return data


def write_project(
    root: str | Path,
    *,
    name: str = "sampleproj",
    apps: int | Sequence[str] = 3,
    models_per_app: int = 4,
    migrations_per_app: int = 2,
    with_unapplied: bool = True,
    with_database: bool = True,
    with_conflict: bool = False,
    with_missing: bool = False,
    with_check_error: bool = False,
    report_environment: bool = False,
    prints_at_import: bool = False,
    broken_settings: bool = False,
) -> SampleProject:
    """Write (or keep) a sample project in ``root`` and describe it.

    ``root`` must be empty, missing, or a project this function wrote before; a
    project written with other arguments is replaced.
    """
    root = Path(root)
    labels = (
        tuple(apps)
        if not isinstance(apps, int)
        else tuple(f"app{i:02d}" for i in range(1, apps + 1))
    )
    params = {
        "name": name,
        "apps": list(labels),
        "models_per_app": models_per_app,
        "migrations_per_app": migrations_per_app,
        "with_unapplied": with_unapplied,
        "with_database": with_database,
        "with_conflict": with_conflict,
        "with_missing": with_missing,
        "with_check_error": with_check_error,
        "report_environment": report_environment,
        "prints_at_import": prints_at_import,
        "broken_settings": broken_settings,
    }
    if models_per_app < 1 or migrations_per_app < 1:
        raise ValueError("models_per_app and migrations_per_app must be at least 1")
    builder = _Builder(root, params, labels)
    marker = root / MARKER
    if marker.is_file():
        if json.loads(marker.read_text(encoding="utf-8")) == params:
            return builder.describe()
        shutil.rmtree(root)
    elif root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty and was not written by write_project()")
    builder.write()
    marker.write_text(json.dumps(params, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return builder.describe()


def write_demo_project(
    root: str | Path,
    *,
    name: str,
    models: dict[str, Sequence[str]],
    migrations_per_app: int = 2,
    with_unapplied: bool = True,
) -> Path:
    """A sample project for the demo, with named models: ``models`` maps each app to
    its model names (every app the same number), e.g. ``{"fleet": ["Depot",
    "Vehicle", "Driver", "Trip"]}``.

    The project is :func:`write_project`'s (the same shapes: FKs to the previous model,
    an M2M, cross-app FKs, later migrations, an unapplied one, check messages, URLs),
    with ``RecordNN`` renamed to those names; the tests' ``Record`` projects are untouched.
    """
    root = Path(root)
    sizes = {len(names) for names in models.values()}
    if len(sizes) != 1:
        raise ValueError("give every app the same number of model names")
    write_project(
        root,
        name=name,
        apps=list(models),
        models_per_app=sizes.pop(),
        migrations_per_app=migrations_per_app,
        with_unapplied=with_unapplied,
    )
    renames: list[tuple[str, str]] = []
    for label, names in models.items():
        for j, model in enumerate(names):
            renames += [
                (f"{label}.Record{j:02d}", f"{label}.{model}"),
                (f"{label}.record{j:02d}", f"{label}.{model.lower()}"),
            ]
    for label, names in models.items():
        for path in sorted((root / label).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            for old, new in renames:
                text = text.replace(old, new)
            for j, model in enumerate(names):
                text = text.replace(f"Record{j:02d}", model).replace(
                    f"record{j:02d}", model.lower()
                )
            if text != path.read_text(encoding="utf-8"):  # a second run changes nothing
                path.write_text(text, encoding="utf-8", newline="\n")
    return root


class _Builder:
    def __init__(self, root: Path, params: dict[str, object], labels: tuple[str, ...]) -> None:
        self.root = root
        self.p = params
        self.name = str(params["name"])
        self.labels = labels
        self.models = int(params["models_per_app"])  # type: ignore[call-overload]
        self.steps = int(params["migrations_per_app"])  # type: ignore[call-overload]

    # -- description ---------------------------------------------------------

    def migration_names(self, index: int) -> list[str]:
        names = ["0001_initial"]
        if self.steps >= 2:
            names.append("0002_links")
        names += [f"{k:04d}_extra{k}" for k in range(3, self.steps + 1)]
        return names

    def conflict_name(self) -> str:
        return f"{self.steps:04d}_branch"

    def local_migrations(self) -> list[tuple[str, str]]:
        keys = [SHOWCASE_MIGRATION]
        for index, label in enumerate(self.labels):
            keys += [(label, n) for n in self.migration_names(index)]
            if self.p["with_conflict"] and index == 0:
                keys.append((label, self.conflict_name()))
        return keys

    def applied(self) -> list[tuple[str, str]]:
        keys = [k for k in self.local_migrations() if not k[1].endswith("_branch")]
        if self.p["with_unapplied"]:
            keys = keys[:-1]
        return keys

    def describe(self) -> SampleProject:
        local = self.local_migrations()
        applied = set(self.applied())
        conflict = None
        if self.p["with_conflict"] and self.labels:
            label = self.labels[0]
            conflict = (label, tuple(sorted([self.migration_names(0)[-1], self.conflict_name()])))
        models = ["showcase.Member", "showcase.Place", "showcase.Restaurant",
                  "showcase.FeaturedPlace", "showcase.Club", "showcase.Membership",
                  "showcase.Tag"]  # fmt: skip
        models += [f"{label}.Record{j:02d}" for label in self.labels for j in range(self.models)]
        return SampleProject(
            root=self.root,
            name=self.name,
            settings_module=f"{self.name}.settings",
            apps=(SHOWCASE, *self.labels),
            migrations=tuple(local),
            unapplied=tuple(k for k in local if k not in applied)
            if self.p["with_database"]
            else (),
            conflict=conflict,
            missing_app=self.labels[0] if self.p["with_missing"] and self.labels else None,
            models=tuple(models),
        )

    # -- writing -------------------------------------------------------------

    def put(self, relative: str, text: str) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.lstrip("\n"), encoding="utf-8", newline="\n")

    def write(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.put("manage.py", _MANAGE.replace("@SETTINGS@", f"{self.name}.settings"))
        self.write_package()
        self.write_showcase()
        for index, label in enumerate(self.labels):
            self.write_app(index, label)
        if self.p["with_database"]:
            self.write_database()

    def write_package(self) -> None:
        apps = ", ".join(repr(a) for a in (*CONTRIB_APPS_FULL, SHOWCASE, *self.labels))
        prelude = ""
        if self.p["prints_at_import"]:
            prelude = (
                'import os\nimport sys\n\nprint("sample settings: loading")\n'
                'sys.stdout.write("sample settings: more noise on stdout\\n")\n'
                'os.write(1, b"sample settings: raw write to fd 1\\n")\n\n'
            )
        tail = ""
        if self.p["broken_settings"]:
            tail = '\nraise RuntimeError("sample settings refuse to load (SAMPLE_BROKEN)")\n'
        settings = (
            _SETTINGS.replace("@PRELUDE@", prelude)
            .replace("@APPS@", apps)
            .replace("@NAME@", self.name)
            + tail
        )
        self.put(f"{self.name}/__init__.py", "")
        self.put(f"{self.name}/settings.py", settings)
        includes = "".join(
            f'    path("apps/{label}/", include("{label}.urls")),\n' for label in self.labels
        )
        self.put(f"{self.name}/urls.py", _PROJECT_URLS.replace("@INCLUDES@", includes))
        self.put(f"{self.name}/views.py", _PROJECT_VIEWS)
        self.put(f"{self.name}/wsgi.py", _WSGI.replace("@NAME@", self.name))

    def write_showcase(self) -> None:
        prelude = ""
        if self.p["prints_at_import"]:
            prelude = 'print("showcase models: imported")\n'
        self.put("showcase/__init__.py", "")
        self.put("showcase/apps.py", _SHOWCASE_APPS)
        self.put("showcase/models.py", _SHOWCASE_MODELS.replace("@PRELUDE@", prelude))
        self.put("showcase/views.py", _SHOWCASE_VIEWS)
        self.put("showcase/urls.py", _SHOWCASE_URLS)
        checks = [_CHECKS_HEAD]
        if self.p["with_check_error"]:
            checks.append(_CHECK_ERROR)
        if self.p["report_environment"]:
            checks.append(_CHECK_ENVIRONMENT)
        self.put("showcase/checks.py", "\n\n".join(checks))
        self.put("showcase/migrations/__init__.py", "")
        self.put("showcase/migrations/0001_initial.py", _SHOWCASE_MIGRATION)

    def model_fields(self, index: int, label: str, j: int) -> list[tuple[str, str, str]]:
        """(name, model source, migration source) of the fields Record j is created with."""
        fields: list[tuple[str, str, str]] = [
            ("name", "models.CharField(max_length=100)", "models.CharField(max_length=100)")
        ]
        if j >= 1:
            fields.append((
                "parent",
                f'models.ForeignKey(Record{j - 1:02d}, on_delete=models.CASCADE, '
                'related_name="children")',
                "models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, "
                f"related_name='children', to='{label}.record{j - 1:02d}')",
            ))  # fmt: skip
        if j % 3 == 2:
            fields.append((
                "peers",
                f'models.ManyToManyField(Record00, blank=True, related_name="peer_of_{j:02d}")',
                f"models.ManyToManyField(blank=True, related_name='peer_of_{j:02d}', "
                f"to='{label}.record00')",
            ))  # fmt: skip
        return fields

    def later_fields(self, index: int, label: str, j: int) -> list[tuple[int, str, str, str]]:
        """Fields added by migrations after the first: (step, name, model, migration)."""
        step = 2 if self.steps >= 2 else 1
        fields = [(step, "value", "models.IntegerField(default=0)",
                   "models.IntegerField(default=0)")]  # fmt: skip
        if index > 0 and j == 0:
            upstream = self.labels[index - 1]
            fields.append((
                step,
                "upstream",
                f'models.ForeignKey("{upstream}.Record00", on_delete=models.CASCADE, '
                f'null=True, blank=True, related_name="downstream_{label}")',
                "models.ForeignKey(blank=True, null=True, "
                "on_delete=django.db.models.deletion.CASCADE, "
                f"related_name='downstream_{label}', to='{upstream}.record00')",
            ))  # fmt: skip
        for k in range(3, self.steps + 1):
            source = 'models.CharField(max_length=20, blank=True, default="")'
            fields.append(
                (k, f"extra{k}", source, "models.CharField(blank=True, default='', max_length=20)")
            )
        return fields

    def write_app(self, index: int, label: str) -> None:
        classes = []
        for j in range(self.models):
            lines = [f"class Record{j:02d}(models.Model):"]
            for fname, model_src, _ in self.model_fields(index, label, j):
                lines.append(f"    {fname} = {model_src}")
            for _, fname, model_src, _ in self.later_fields(index, label, j):
                lines.append(f"    {fname} = {model_src}")
            if self.p["with_missing"] and index == 0 and j == 0:
                lines.append('    note = models.TextField(blank=True, default="")')
            lines += ["", "    def __str__(self):", "        return self.name"]
            classes.append("\n".join(lines))
        self.put(f"{label}/__init__.py", "")
        self.put(
            f"{label}/models.py",
            "from django.db import models\n\n\n" + "\n\n\n".join(classes) + "\n",
        )
        self.put(f"{label}/apps.py", _APP_CONFIG.replace("@LABEL@", label).replace(
            "@CLASS@", label.title().replace("_", "") + "Config"))  # fmt: skip
        self.put(f"{label}/views.py", _APP_VIEWS)
        self.put(f"{label}/urls.py", _APP_URLS.replace("@LABEL@", label))
        self.put(f"{label}/migrations/__init__.py", "")
        names = self.migration_names(index)
        for step, migration_name in enumerate(names, start=1):
            self.put(
                f"{label}/migrations/{migration_name}.py",
                self.migration_source(index, label, step, names),
            )
        if self.p["with_conflict"] and index == 0:
            previous = names[-2] if len(names) >= 2 else None
            deps = f"        ('{label}', '{previous}'),\n" if previous else ""
            initial = "" if previous else "    initial = True\n\n"
            self.put(
                f"{label}/migrations/{self.conflict_name()}.py",
                _MIGRATION.replace("@IMPORTS@", "from django.db import migrations\n")
                .replace("@INITIAL@", initial)
                .replace("@DEPS@", deps)
                .replace("@OPS@", ""),
            )

    def migration_source(self, index: int, label: str, step: int, names: list[str]) -> str:
        ops: list[str] = []
        deps: list[tuple[str, str]] = []
        if step == 1:
            for j in range(self.models):
                cols = [
                    "                ('id', models.BigAutoField(auto_created=True, "
                    "primary_key=True, serialize=False, verbose_name='ID')),"
                ]
                cols += [f"                ('{f}', {src})," for f, _, src in
                         self.model_fields(index, label, j)]  # fmt: skip
                cols += [f"                ('{f}', {src})," for s, f, _, src in
                         self.later_fields(index, label, j) if s == 1]  # fmt: skip
                ops.append(
                    "        migrations.CreateModel(\n"
                    f"            name='Record{j:02d}',\n"
                    "            fields=[\n" + "\n".join(cols) + "\n            ],\n"
                    "        ),\n"
                )
        else:
            deps.append((label, names[step - 2]))
            for j in range(self.models):
                for s, fname, _, src in self.later_fields(index, label, j):
                    if s == step:
                        ops.append(
                            "        migrations.AddField(\n"
                            f"            model_name='record{j:02d}',\n"
                            f"            name='{fname}',\n"
                            f"            field={src},\n"
                            "        ),\n"
                        )
        if index > 0 and step == (2 if self.steps >= 2 else 1):
            deps.append((self.labels[index - 1], "0001_initial"))
        deps_src = "".join(f"        ('{a}', '{n}'),\n" for a, n in deps)
        return (
            _MIGRATION.replace(
                "@IMPORTS@",
                "import django.db.models.deletion\nfrom django.db import migrations, models\n",
            )
            .replace("@INITIAL@", "    initial = True\n\n" if step == 1 else "")
            .replace("@DEPS@", deps_src)
            .replace("@OPS@", "".join(ops))
        )

    def write_database(self) -> None:
        path = self.root / "db.sqlite3"
        rows = [(app, n) for app in CONTRIB_APPS for n in _contrib_migrations(app)]
        rows += self.applied()
        with sqlite3.connect(path) as db:
            db.execute(
                'CREATE TABLE "django_migrations" ("id" integer NOT NULL PRIMARY KEY '
                'AUTOINCREMENT, "app" varchar(255) NOT NULL, "name" varchar(255) NOT NULL, '
                '"applied" datetime NOT NULL)'
            )
            db.executemany(
                'INSERT INTO "django_migrations" ("app", "name", "applied") VALUES (?, ?, ?)',
                [(app, n, _APPLIED_AT) for app, n in rows],
            )
        db.close()


CONTRIB_APPS_FULL = tuple(f"django.contrib.{a}" for a in CONTRIB_APPS)


def _contrib_migrations(app: str) -> list[str]:
    """Migration names shipped by this Django for ``django.contrib.<app>``."""
    spec = importlib.util.find_spec(f"django.contrib.{app}.migrations")
    if spec is None or not spec.submodule_search_locations:
        return []
    folder = Path(next(iter(spec.submodule_search_locations)))
    return sorted(p.stem for p in folder.glob("*.py") if p.stem[0] not in "_~")


_MANAGE = '''
#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys


def main():
    """Run administrative tasks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "@SETTINGS@")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
'''

_SETTINGS = '''
"""Settings of a djdesk sample project (generated; safe to delete)."""

@PRELUDE@from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "django-insecure-sample-project-key-not-for-production"
DEBUG = True
ALLOWED_HOSTS = []

INSTALLED_APPS = [@APPS@]

MIDDLEWARE = []

ROOT_URLCONF = "@NAME@.urls"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
    }
}

AUTH_USER_MODEL = "showcase.Member"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_TZ = True
STATIC_URL = "static/"
'''

_WSGI = '''
"""WSGI config of a djdesk sample project."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "@NAME@.settings")

application = get_wsgi_application()
'''

_PROJECT_URLS = """
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("shop/", include("showcase.urls", namespace="shop")),
@INCLUDES@]
"""

_PROJECT_VIEWS = """
from django.http import HttpResponse


def home(request):
    return HttpResponse("sample project")
"""

_SHOWCASE_APPS = """
from django.apps import AppConfig


class ShowcaseConfig(AppConfig):
    name = "showcase"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401
"""

_SHOWCASE_MODELS = '''
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

@PRELUDE@

class Member(AbstractBaseUser):
    """The project's user model (AUTH_USER_MODEL)."""

    email = models.EmailField(unique=True)

    USERNAME_FIELD = "email"

    objects = BaseUserManager()


class Stamped(models.Model):
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Place(Stamped):
    name = models.CharField(max_length=100)


class Restaurant(Place):
    seats = models.PositiveIntegerField(default=0)


class FeaturedPlace(Place):
    class Meta:
        proxy = True


class Club(Stamped):
    name = models.CharField(max_length=100)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="clubs"
    )
    places = models.ManyToManyField(Place, blank=True)


class Membership(models.Model):
    club = models.ForeignKey(Club, on_delete=models.CASCADE)
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    joined = models.DateField(null=True, blank=True)


class Tag(models.Model):
    label = models.CharField(max_length=50)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveIntegerField()
    target = GenericForeignKey("content_type", "object_id")
'''

_SHOWCASE_VIEWS = """
from django.http import HttpResponse
from django.views import View


class PlaceList(View):
    def get(self, request):
        return HttpResponse("places")


def place_detail(request, pk=None, slug=None):
    return HttpResponse("place")
"""

_SHOWCASE_URLS = """
from django.urls import include, path, re_path

from . import views

app_name = "showcase"

api_patterns = (
    [
        path("places/<int:pk>/", views.place_detail, name="place-detail"),
        re_path(r"^legacy/(?P<slug>[-\\w]+)/$", views.place_detail, name="legacy"),
    ],
    "api",
)

urlpatterns = [
    path("places/", views.PlaceList.as_view(), name="place-list"),
    path("api/v1/", include(api_patterns, namespace="v1")),
]
"""

_CHECKS_HEAD = '''
"""Custom system checks of the sample project."""
import json
import os

from django.core.checks import Error, Info, register
'''

_CHECK_ERROR = """
@register("showcase")
def deliberate_error(app_configs, **kwargs):
    return [
        Error(
            "Sample projects ship one deliberate error.",
            hint="It proves the inspector reports check errors.",
            id="showcase.E001",
        )
    ]
"""

_CHECK_ENVIRONMENT = """
@register("showcase")
def environment_report(app_configs, **kwargs):
    # Lets tests see which environment variables reached the project.
    report = {
        "keys": sorted(os.environ),
        "settings_module": os.environ.get("DJANGO_SETTINGS_MODULE"),
    }
    return [Info(json.dumps(report), id="showcase.I001")]
"""

_SHOWCASE_MIGRATION = """
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.CreateModel(
            name='Member',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('password', models.CharField(max_length=128, verbose_name='password')),
                ('last_login', models.DateTimeField(blank=True, null=True, verbose_name='last login')),
                ('email', models.EmailField(max_length=254, unique=True)),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='Club',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True)),
                ('name', models.CharField(max_length=100)),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='Place',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True)),
                ('name', models.CharField(max_length=100)),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='Membership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('joined', models.DateField(blank=True, null=True)),
                ('club', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='showcase.club')),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.AddField(
            model_name='club',
            name='members',
            field=models.ManyToManyField(related_name='clubs', through='showcase.Membership', to=settings.AUTH_USER_MODEL),
        ),
        migrations.CreateModel(
            name='Restaurant',
            fields=[
                ('place_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to='showcase.place')),
                ('seats', models.PositiveIntegerField(default=0)),
            ],
            options={
                'abstract': False,
            },
            bases=('showcase.place',),
        ),
        migrations.AddField(
            model_name='club',
            name='places',
            field=models.ManyToManyField(blank=True, to='showcase.place'),
        ),
        migrations.CreateModel(
            name='FeaturedPlace',
            fields=[
            ],
            options={
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('showcase.place',),
        ),
        migrations.CreateModel(
            name='Tag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('label', models.CharField(max_length=50)),
                ('object_id', models.PositiveIntegerField()),
                ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype')),
            ],
        ),
    ]
"""

_APP_CONFIG = """
from django.apps import AppConfig


class @CLASS@(AppConfig):
    name = "@LABEL@"
    default_auto_field = "django.db.models.BigAutoField"
"""

_APP_VIEWS = """
from django.http import HttpResponse


def index(request):
    return HttpResponse("index")
"""

_APP_URLS = """
from django.urls import path

from . import views

app_name = "@LABEL@"

urlpatterns = [
    path("", views.index, name="index"),
]
"""

_MIGRATION = """
@IMPORTS@

class Migration(migrations.Migration):

@INITIAL@    dependencies = [
@DEPS@    ]

    operations = [
@OPS@    ]
"""


# -- projects that make inspection hard (12-factor settings, broken apps, dead DBs) --

_TWELVE_MANAGE = '''
"""manage.py of a 12-factor sample: the settings module may come from .env only."""
import os
import sys

if __name__ == "__main__":
@SETTINGS_LINE@    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
'''

_TWELVE_SETTINGS = '''
"""Settings of a 12-factor sample: every secret comes from the environment."""
import os
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
@SENTINEL@
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]
# A careless project echoes its configuration at start-up.
print("booting with key", SECRET_KEY, "and", os.environ["DATABASE_URL"], file=sys.stderr)


def _database(url):
    """DATABASE_URL parsed by hand, the way many projects do without dj-database-url."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / parts.path.lstrip("/")}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
    }


DATABASES = {"default": _database(os.environ["DATABASE_URL"])}
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "ledger",
@EXTRA_APPS@]
MIDDLEWARE = []
ROOT_URLCONF = "twelve.urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
'''

_LEDGER_MODELS = """
from django.db import models
@SENTINEL@

class Entry(models.Model):
    memo = models.CharField(max_length=100)
    amount = models.IntegerField(default=0)
"""

_LEDGER_APPS = '''
import os

from django.apps import AppConfig
from django.core import checks


def token_in_use(app_configs, **kwargs):
    """A careless check that puts a secret into its message."""
    token = os.environ.get("LEDGER_API_TOKEN", "")
    return [checks.Warning("ledger calls the API with " + token, id="ledger.W001")] if token else []


def entries_table(app_configs, **kwargs):
    """A check that reads the database, as some third-party checks do."""
    from ledger.models import Entry

    Entry.objects.exists()
    return []


class LedgerConfig(AppConfig):
    name = "ledger"

    def ready(self):
        checks.register(token_in_use)
        if os.environ.get("LEDGER_DB_CHECK") == "1":
            checks.register(entries_table)
'''

_LEDGER_MIGRATION = """
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Entry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("memo", models.CharField(max_length=100)),
                ("amount", models.IntegerField(default=0)),
            ],
        ),
    ]
"""

_SENTINEL_LINE = "Path(@PATH@).open('a', encoding='utf-8').write(__name__ + '\\n')  # sentinel\n"

_BROKEN_VENDOR_MODELS = '''
"""A third-party app written for Django < 4: ugettext_lazy is gone."""
from django.db import models
from django.utils.translation import ugettext_lazy as _


class Widget(models.Model):
    name = models.CharField(_("name"), max_length=20)
'''


def write_twelve_factor_project(
    root: str | Path,
    *,
    env: dict[str, str],
    settings_in_manage: bool = True,
    sentinel: Path | None = None,
    broken_vendor_app: bool = False,
) -> Path:
    """A 12-factor project: settings read ``DJANGO_SECRET_KEY`` (required) and a
    hand-parsed ``DATABASE_URL`` from the environment, and ``env`` is written to its
    ``.env``. ``settings_in_manage=False`` leaves ``DJANGO_SETTINGS_MODULE`` to the
    ``.env`` (add it to ``env``). A ``sentinel`` file gets a line whenever the settings
    or the models module is imported. ``broken_vendor_app`` installs a third-party-style
    app (on a vendored path) whose models module raises ImportError at import.

    Its ``ledger`` app has a check that echoes ``LEDGER_API_TOKEN`` into its message,
    and with ``LEDGER_DB_CHECK=1`` a check that reads the database. Returns ``root``.
    """
    root = Path(root)
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty")
    sentinel_code = _SENTINEL_LINE.replace("@PATH@", repr(str(sentinel))) if sentinel else ""
    settings_line = (
        '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twelve.settings")\n'
        if settings_in_manage
        else "    from dotenv import load_dotenv\n\n    load_dotenv()\n"
    )
    settings = _TWELVE_SETTINGS.replace("@SENTINEL@", sentinel_code)
    extra_apps = ""
    if broken_vendor_app:
        # Vendored third-party code, importable the way site-packages would be.
        settings = settings.replace(
            "from urllib.parse",
            'sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "vendor"))\nfrom urllib.parse',
        )
        extra_apps = '    "fancy_widgets",\n'
    files = {
        "manage.py": _TWELVE_MANAGE.replace("@SETTINGS_LINE@", settings_line),
        "twelve/__init__.py": "",
        "twelve/settings.py": settings.replace("@EXTRA_APPS@", extra_apps),
        "twelve/urls.py": "urlpatterns = []\n",
        "ledger/__init__.py": "",
        "ledger/apps.py": _LEDGER_APPS,
        "ledger/models.py": _LEDGER_MODELS.replace(
            "@SENTINEL@", ("from pathlib import Path\n" + sentinel_code) if sentinel else ""
        ),
        "ledger/migrations/__init__.py": "",
        "ledger/migrations/0001_initial.py": _LEDGER_MIGRATION,
        ".env": "".join(f"{key}={_dotenv_quote(value)}\n" for key, value in env.items()),
    }
    if broken_vendor_app:
        files["vendor/fancy_widgets/__init__.py"] = ""
        files["vendor/fancy_widgets/models.py"] = _BROKEN_VENDOR_MODELS
    _write_files(root, files)
    return root


def _dotenv_quote(value: str) -> str:
    return "'" + value.replace("'", "") + "'"


# -- shapes for the static reader's accuracy tests ----------------------------------
# Each writes a small project (manage.py + settings + apps) whose models the live
# probe and the static reader must describe alike. Django >= 5.2 adds a
# CompositePrimaryKey model to the inheritance sample (``composite=True``).


def _write_files(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.lstrip("\n"), encoding="utf-8")


def _shape_settings(name: str, apps: Sequence[str], extra: str = "") -> str:
    listed = ", ".join(repr(a) for a in apps)
    return (
        f'"""Settings of a djdesk shape sample."""\nfrom pathlib import Path\n\n'
        f"BASE_DIR = Path(__file__).resolve().parent.parent\n"
        f'SECRET_KEY = "django-insecure-shape-sample"\nINSTALLED_APPS = [{listed}]\n'
        f'DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", '
        f'"NAME": BASE_DIR / "db.sqlite3"}}}}\n'
        f'ROOT_URLCONF = "{name}.urls"\nDEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"\n'
        f"USE_TZ = True\n{extra}"
    )


def _shape_project(root: Path, name: str, apps: Sequence[str], *, manage_prelude: str = "",
                   package_dir: str = "", extra_settings: str = "") -> None:  # fmt: skip
    manage = _MANAGE.replace("@SETTINGS@", f"{name}.settings")
    if manage_prelude:
        manage = manage.replace("import sys\n", "import sys\n" + manage_prelude, 1)
    prefix = f"{package_dir}/" if package_dir else ""
    _write_files(root, {
        "manage.py": manage,
        f"{prefix}{name}/__init__.py": "",
        f"{prefix}{name}/urls.py": "urlpatterns = []\n",
        f"{prefix}{name}/settings.py": _shape_settings(name, apps, extra_settings),
    })  # fmt: skip


def write_src_layout_project(root: Path) -> Path:
    """Apps under ``src/`` (put on ``sys.path`` by ``manage.py`` with ``pathlib``) and
    under ``apps/`` (added with ``os.path.join``); one app config renames its label."""
    prelude = (
        "from pathlib import Path\n"
        "sys.path.insert(0, str(Path(__file__).resolve().parent / 'src'))\n"
        "sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'apps'))\n"
    )
    apps = ["django.contrib.contenttypes", "django.contrib.auth", "catalog",
            "orders.apps.OrdersConfig", "reviews"]  # fmt: skip
    _shape_project(root, "srcproj", apps, manage_prelude=prelude, package_dir="src")
    _write_files(root, {
        "src/catalog/__init__.py": "",
        "src/catalog/models.py": '''
from django.db import models


class Product(models.Model):
    sku = models.CharField(max_length=20, unique=True)
    price = models.DecimalField(max_digits=8, decimal_places=2, null=True)
''',
        "src/orders/__init__.py": "",
        "src/orders/apps.py": '''
from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    label = "shop_orders"
''',
        "src/orders/models.py": '''
from catalog.models import Product
from django.db import models


class Order(models.Model):
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="orders")
    lines = models.ManyToManyField("catalog.Product", related_name="+")
''',
        "apps/reviews/__init__.py": "",
        "apps/reviews/models.py": '''
from django.db import models


class Review(models.Model):
    order = models.OneToOneField("shop_orders.Order", on_delete=models.CASCADE)
    text = models.TextField()
''',
    })  # fmt: skip
    return root


def write_inheritance_project(root: Path, *, composite: bool) -> Path:
    """Mixins (plain and abstract), multi-table inheritance, a proxy, M2Ms with
    auto-created tables (one to ``self``), ``db_table``, a custom relation class, a
    field option that is not a literal, and with ``composite`` a CompositePrimaryKey."""
    apps = ["django.contrib.contenttypes", "django.contrib.auth", "zoo"]
    _shape_project(root, "zooproj", apps)
    models = """
from django.conf import settings
from django.db import models

from .fields import KeeperKey
from .mixins import Describable


class Stamped(models.Model):
    created = models.DateTimeField(null=True)

    class Meta:
        abstract = True


class Animal(Describable, Stamped):
    name = models.CharField(max_length=50, unique=True)


class Dog(Animal, Describable):
    breed = models.CharField(max_length=30)


class Puppy(Dog):
    class Meta:
        proxy = True


class Keeper(Describable, models.Model):
    animals = models.ManyToManyField(Animal, related_name="keepers")
    friends = models.ManyToManyField("self")
    nickname = models.CharField(max_length=20, null=settings.DEBUG)

    class Meta:
        db_table = "zoo_people"


class Ticket(models.Model):
    keeper = KeeperKey(Keeper, on_delete=models.CASCADE, related_name="tickets")
"""
    if composite:
        models += """

class Visit(models.Model):
    pk = models.CompositePrimaryKey("keeper_id", "day")
    keeper = models.ForeignKey(Keeper, on_delete=models.CASCADE)
    day = models.DateField()
"""
    _write_files(root, {
        "zoo/__init__.py": "",
        "zoo/mixins.py": '''
class Describable:
    """A plain mixin: not a model, so no parent and no ``*_ptr``."""

    label = "animal"

    def describe(self):
        return f"{self.label} {self.pk}"
''',
        "zoo/fields.py": '''
from django.db import models


class KeeperKey(models.ForeignKey):
    """A custom relation class: the inspector maps it to ``fk`` and names it."""
''',
        "zoo/models.py": models,
    })  # fmt: skip
    return root


def write_site_package(site_packages: Path) -> None:
    """A third-party app installed in a venv: ``libshelf`` (label ``shelfbase``) with an
    abstract base and a concrete parent, and ``libshelf.search`` (label
    ``shelfsearch``), as wagtail's ``wagtail.search`` is ``wagtailsearch``."""
    _write_files(site_packages, {
        "libshelf/__init__.py": "",
        "libshelf/apps.py": '''
from django.apps import AppConfig


class ShelfConfig(AppConfig):
    name = "libshelf"
    label = "shelfbase"
    default_auto_field = "django.db.models.AutoField"
''',
        "libshelf/models/__init__.py": "from .base import Publication, Stamped\n",
        "libshelf/models/base.py": '''
from django.db import models


class Stamped(models.Model):
    created = models.DateTimeField(null=True)
    updated = models.DateTimeField(null=True)

    class Meta:
        abstract = True


class Publication(Stamped):
    title = models.CharField(max_length=100)
    tags = models.ManyToManyField("shelfsearch.Term", blank=True)
''',
        "libshelf/migrations/__init__.py": "",
        "libshelf/search/__init__.py": "",
        "libshelf/search/apps.py": '''
from django.apps import AppConfig


class BaseSearchConfig(AppConfig):
    default = False
    label = "shelfsearch"


class SearchConfig(BaseSearchConfig):
    name = "libshelf.search"
    default = True
''',
        "libshelf/search/models.py": '''
from django.db import models


class Term(models.Model):
    word = models.CharField(max_length=40, unique=True)
''',
    })  # fmt: skip


def write_thirdparty_project(root: Path) -> Path:
    """A project whose models derive from ``libshelf`` (see :func:`write_site_package`)."""
    apps = ["django.contrib.contenttypes", "django.contrib.auth", "libshelf",
            "libshelf.search", "library"]  # fmt: skip
    _shape_project(root, "libproj", apps, extra_settings='AUTH_USER_MODEL = "library.Reader"\n')
    _write_files(root, {
        "library/__init__.py": "",
        "library/models.py": '''
from django.contrib.auth.models import AbstractUser
from django.db import models
from libshelf.models import Publication, Stamped


class Reader(AbstractUser):
    card = models.CharField(max_length=12, blank=True)


class Book(Publication):
    isbn = models.CharField(max_length=13, unique=True)
    reader = models.ForeignKey("Reader", null=True, on_delete=models.SET_NULL)


class Note(Stamped):
    text = models.TextField()
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="notes")
''',
    })  # fmt: skip
    return root


def write_modern_syntax_project(root: Path) -> Path:
    """A models module in Python 3.12 syntax (``type`` aliases, PEP 695 generics)."""
    apps = ["django.contrib.contenttypes", "django.contrib.auth", "modern"]
    _shape_project(root, "modproj", apps)
    _write_files(root, {
        "modern/__init__.py": "",
        "modern/models.py": '''
from django.db import models

type Score = int


def first[T](items: list[T]) -> T:
    return items[0]


class Entry(models.Model):
    score = models.IntegerField()
    title = models.CharField(max_length=40, null=True)
''',
    })  # fmt: skip
    return root


def write_mptt_project(root: Path) -> Path:
    """Tree models of django-mptt (installed in the target's venv): default field
    names, ``MPTTMeta.left_attr = "lo"``, an abstract base whose ``MPTTMeta`` a child
    inherits, a model declaring ``level`` itself, a proxy and a multi-table child; a
    GenericRelation in a body and one from an abstract base (Django orders the body's
    private fields first)."""
    apps = ["django.contrib.contenttypes", "django.contrib.auth", "mptt", "forest"]
    _shape_project(root, "forestproj", apps)
    _write_files(root, {
        "forest/__init__.py": "",
        "forest/models.py": '''
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from mptt.fields import TreeForeignKey
from mptt.models import MPTTModel


class Note(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveIntegerField()
    target = GenericForeignKey("content_type", "object_id")


class Noted(models.Model):
    notes = GenericRelation(Note)

    class Meta:
        abstract = True


class Genre(Noted, MPTTModel):
    name = models.CharField(max_length=50, unique=True)
    parent = TreeForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                            related_name="children")
    links = GenericRelation(Note, related_query_name="genre")


class Shelf(MPTTModel):
    label = models.CharField(max_length=20)
    parent = TreeForeignKey("self", null=True, on_delete=models.CASCADE)

    class MPTTMeta:
        left_attr = "lo"
        order_insertion_by = ["label"]


class Branch(MPTTModel):
    parent = TreeForeignKey("self", null=True, on_delete=models.CASCADE)

    class Meta:
        abstract = True

    class MPTTMeta:
        level_attr = "depth"


class Region(Branch):
    code = models.CharField(max_length=8)


class Chapter(MPTTModel):
    parent = TreeForeignKey("self", null=True, on_delete=models.CASCADE)
    level = models.PositiveSmallIntegerField(default=0)


class FeaturedGenre(Genre):
    since = models.DateField(null=True)


class GenreAlias(Genre):
    class Meta:
        proxy = True
''',
    })  # fmt: skip
    return root
