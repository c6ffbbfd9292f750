"""The eight steps of ``djdesk_bundle``, in order, inside one staging folder.

1 runtime  2 dependencies  3 project (and docs)  4 static files  5 bytecode
6 pruning  7 manifest  8 launch check. Any BundleError or interrupt before the
final rename removes the staging folder (:mod:`.staging`); the previous bundle is
only replaced by a bundle that launched.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from djdesk_electron_kit import __version__
from djdesk_electron_kit.bundle import (
    collect,
    compiling,
    copying,
    dependencies,
    kit,
    layout,
    manifest,
    platforms,
    pruning,
    requirements,
    runtime,
    smoke,
    staging,
    verify,
)
from djdesk_electron_kit.bundle.errors import BundleError
from djdesk_electron_kit.bundle.options import BundleOptions
from djdesk_electron_kit.bundle.progress import Progress, human_size, tree_size
from djdesk_electron_kit.bundle.staging import Adoption
from djdesk_inspector.kernel import gitinfo

TOTAL_STEPS = 8


@dataclass
class BuildResult:
    output: Path
    manifest: dict[str, Any]
    reused_site_packages: bool
    warnings: list[str] = field(default_factory=list)
    removed_stale: list[str] = field(default_factory=list)


@dataclass
class _State:
    """What the steps hand to each other."""

    root: Path
    work: Path
    runtime: runtime.Runtime | None = None
    project_requirements: requirements.RequirementSet | None = None
    resolution: dependencies.Resolution | None = None
    adoption: Adoption | None = None

    @property
    def python_path(self) -> str:
        """``PYTHONPATH`` of the children: the bundle's, plus site-packages being adopted."""
        extra = [str(self.adoption.source)] if self.adoption else []
        return os.pathsep.join([layout.python_path(self.root), *extra])


def module_file(module: str, project: Path) -> str | None:
    """POSIX path of ``module``'s file relative to ``project``, None when it lives elsewhere."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        raise BundleError(f"the desktop settings module {module!r} cannot be found")
    origin = Path(spec.origin).resolve()
    if not origin.is_relative_to(project.resolve()):
        return None
    return origin.relative_to(project.resolve()).as_posix()


class Builder:
    def __init__(
        self,
        options: BundleOptions,
        progress: Progress,
        *,
        echo: Callable[[str], None] | None = None,
    ) -> None:
        self.options = options
        self.progress = progress
        # Receives every line of the children's output (verbosity 2).
        self.echo = echo
        self.host = platforms.host_triple()
        self.target = platforms.get(options.target_triple)
        self.cross = options.target_triple != self.host

    def build(self) -> BuildResult:
        options = self.options
        staging.check_output(options.output, options.project_dir)
        settings_file = module_file(options.desktop_settings, options.project_dir)
        self._check_docs()
        removed = staging.clean_stale(options.output)
        if removed:
            self.progress.info(f"Removed what an interrupted build left: {', '.join(removed)}")
        previous = manifest.read(options.output) if options.output.is_dir() else None
        with staging.interruptible(), staging.Stage(options.output) as stage:
            state = _State(root=stage.path, work=stage.work)
            self._runtime(state)
            self._dependencies(state, previous)
            self._project(state, stage, settings_file)
            self._static(state)
            self._compile(state)
            self._prune(state)
            data = self._manifest(state)
            self._launch(state, data)
            stage.commit(state.adoption)
        return BuildResult(
            output=options.output,
            manifest=data,
            reused_site_packages=state.adoption is not None,
            warnings=list(self.progress.warnings),
            removed_stale=removed,
        )

    def _step_python(self, state: _State) -> Path:
        """The interpreter that runs steps 4 and 5: the bundle's, or the host's for a cross build."""
        assert state.runtime is not None
        return Path(sys.executable) if self.cross else state.runtime.python

    def _runtime(self, state: _State) -> None:
        options = self.options
        with self.progress.step("Resolving the runtime") as step:
            found, warning = runtime.prepare(
                options.runtime,
                stage=state.root,
                python_version=options.python_version,
                triple=options.target_triple,
                cache_dir=options.cache_dir,
                archive_sha256=options.runtime_sha256,
            )
            if warning:
                self.progress.warning(warning)
            if found.kind == runtime.SYSTEM:
                self.progress.warning(runtime.SYSTEM_NOTE)
            state.runtime = found
            size = human_size(tree_size(state.root / layout.PYTHON))
            step.done(f"Python {found.version} ({found.kind}, {found.triple}), {size}")

    def _dependencies(self, state: _State, previous: dict[str, Any] | None) -> None:
        options = self.options
        assert state.runtime is not None
        site_packages = state.root / layout.SITE_PACKAGES
        with self.progress.step("Installing the dependencies") as step:
            found = requirements.find(options.project_dir, options.requirements)
            if not found.source:
                step.note(
                    "no requirements file found: bundling djdesk-inspector's dependencies only"
                )
            unpinned = found.unpinned()
            if unpinned:
                self.progress.warning(
                    "unpinned requirements (the resolved versions are recorded in the manifest): "
                    + ", ".join(unpinned)
                )
            pip = dependencies.Pip.for_build(
                runtime_kind=state.runtime.kind,
                runtime_python=state.runtime.python,
                minor=state.runtime.minor,
                target=options.target_triple,
                host=self.host,
            )
            resolution = dependencies.resolve(
                pip,
                requirements.requirements_text(found),
                work=state.work,
                minor=state.runtime.minor,
                triple=options.target_triple,
                options=found.options,
                target_markers=dict(self.target.markers) if self.cross else None,
                on_line=self.echo,
            )
            adoption = dependencies.adoptable(
                options.output, previous, resolution.key, compiled=options.compile
            )
            if adoption is not None:
                how = "taken over from the previous bundle"
            else:
                dependencies.install(
                    pip,
                    resolution,
                    site_packages,
                    work=state.work,
                    options=found.options,
                    on_line=self.echo,
                )
                how = "installed"
            site_packages.mkdir(exist_ok=True)
            kit.install(site_packages)
            state.project_requirements, state.resolution = found, resolution
            state.adoption = adoption
            size = tree_size(site_packages)
            if adoption is not None:
                size += sum(int(e.get("size", 0)) for e in adoption.entries.values())
            step.done(f"{len(resolution.packages)} packages {how}, {human_size(size)}")

    def _project(self, state: _State, stage: staging.Stage, settings_file: str | None) -> None:
        options = self.options
        app = state.root / layout.APP
        with self.progress.step(
            "Copying the project" + (" and the docs" if options.include_docs else "")
        ) as step:
            rules = copying.Rules(
                excludes=options.excludes,
                excluded_roots=(
                    options.output,
                    stage.path,
                    *staging.siblings(options.output),
                    *options.excluded_roots,
                ),
            )
            report = copying.copy_project(options.project_dir, app, rules)
            for warning in report.warnings:
                self.progress.warning(warning)
            if settings_file is not None and not (app / settings_file).is_file():
                raise BundleError(
                    f"the desktop settings module {options.desktop_settings} ({settings_file}) "
                    "was not copied: check --exclude"
                )
            summary = f"{report.files} files, {human_size(report.bytes)}"
            if options.include_docs:
                summary += ", docs " + human_size(self._docs(state))
            step.done(summary)

    def _check_docs(self) -> None:
        source = self.options.docs_dir
        marker = self.options.docs_manifest
        if self.options.include_docs and (source is None or not (source / marker).is_file()):
            raise BundleError(
                f"--include-docs: no docs bundle in {source} (build it with manage.py djdesk_docs_bundle)"
            )

    def _docs(self, state: _State) -> int:
        source = self.options.docs_dir
        assert source is not None
        target = state.root / layout.DOCS
        shutil.copytree(source, target, symlinks=False)
        return tree_size(target)

    def _static(self, state: _State) -> None:
        with self.progress.step("Collecting static files") as step:
            python_path = state.python_path
            if self.cross:
                # The bundle's wheels may not load here: the host's own packages serve.
                python_path = str(state.root / layout.APP)
                self._warn_host_versions(state)
            collect.run(
                python=self._step_python(state),
                root=state.root,
                settings_module=self.options.desktop_settings,
                python_path=python_path,
                on_line=self.echo,
            )
            static = state.root / layout.STATIC
            count = sum(1 for p in static.rglob("*") if p.is_file())
            step.done(f"{count} files, {human_size(tree_size(static))}")

    def _warn_host_versions(self, state: _State) -> None:
        """A cross build collects static files with this machine's packages: say where they differ."""
        assert state.resolution is not None
        differing = []
        for package in state.resolution.packages:
            try:
                here = importlib.metadata.version(package.name)
            except importlib.metadata.PackageNotFoundError:
                continue
            if here != package.version:
                differing.append(f"{package.name} {here} here, {package.version} bundled")
        if differing:
            self.progress.warning(
                "static files are collected with this machine's packages, which differ: "
                + "; ".join(differing)
            )

    def _compile(self, state: _State) -> None:
        assert state.runtime is not None
        title = "Compiling bytecode"
        if not self.options.compile:
            self.progress.skip(title, "--no-compile")
            return
        if self.cross and state.runtime.minor != f"{sys.version_info[0]}.{sys.version_info[1]}":
            self.progress.skip(title, f"cross build for Python {state.runtime.minor}")
            return
        with self.progress.step(title) as step:
            lines = compiling.run(
                python=self._step_python(state),
                root=state.root,
                folders=[state.root / layout.APP, state.root / layout.SITE_PACKAGES],
                python_path=state.python_path,
                on_line=self.echo,
            )
            step.done(lines[-1] if lines else "")

    def _prune(self, state: _State) -> None:
        with self.progress.step("Pruning the runtime and site-packages") as step:
            freed, removed = pruning.prune_runtime(state.root, windows=self.target.windows)
            more, also = pruning.prune_site_packages(state.root)
            step.done(f"{len(removed) + len(also)} paths, {human_size(freed + more)} removed")

    def _manifest(self, state: _State) -> dict[str, Any]:
        assert state.runtime is not None
        assert state.resolution is not None
        assert state.project_requirements is not None
        with self.progress.step(f"Writing {layout.MANIFEST}") as step:
            files = manifest.scan(state.root)
            if state.adoption is not None:
                files.update(state.adoption.entries)
            data = manifest.build(
                files,
                versions={
                    "python": state.runtime.version,
                    "django": state.resolution.version_of("django"),
                    "djdesk": __version__,
                },
                runtime=state.runtime.record,
                inputs={
                    "options": self.options.recorded(),
                    "requirements": state.project_requirements.recorded(),
                    "kit_requirements": requirements.kit_requirements(
                        state.project_requirements.kit_extras
                    ),
                },
                dependencies=state.resolution.recorded(),
                git=gitinfo.git_sha(self.options.project_dir),
            )
            manifest.write(state.root, data)
            step.done(f"{len(files)} files, {human_size(data['sizes']['total'])}")
        return data

    def _changes(self, state: _State, data: dict[str, Any]) -> list[str]:
        """What differs from the manifest, in the staging folder and the adopted entries."""
        adopted = state.adoption.entries if state.adoption else {}
        expected = {k: v for k, v in data["files"].items() if k not in adopted}
        issues = verify.differences(expected, manifest.scan(state.root))
        if state.adoption is not None:
            found: dict[str, manifest.Entry] = {}
            for name in state.adoption.names:
                found.update(
                    manifest.scan(
                        state.adoption.source.parent, under=f"{layout.SITE_PACKAGES}/{name}"
                    )
                )
            issues += verify.differences(adopted, found)
        return issues

    def _launch(self, state: _State, data: dict[str, Any]) -> None:
        assert state.runtime is not None
        title = "Launching the bundle"
        if not self.options.launch_check:
            self.progress.skip(title, "--skip-launch-check")
            return
        if self.cross:
            self.progress.skip(title, f"built for {self.options.target_triple}, not this machine")
            return
        with self.progress.step(title) as step:
            result = smoke.check(
                state.root,
                python=state.runtime.python,
                settings_module=self.options.desktop_settings,
                python_path=state.python_path,
            )
            issues = self._changes(state, data)
            if issues:
                raise BundleError(f"launching the bundle changed it: {'; '.join(issues[:3])}")
            step.done(
                f"ready in {result.ready_seconds:.1f} s, health check passed, stopped cleanly"
            )


def build(
    options: BundleOptions, progress: Progress, *, echo: Callable[[str], None] | None = None
) -> BuildResult:
    return Builder(options, progress, echo=echo).build()
