"""Step 1: the Python runtime that goes into ``python/``.

``pbs``
    A pinned python-build-standalone ``install_only_stripped`` archive for the
    target triple, downloaded once into the cache folder. Its sha256 is checked
    against :data:`PBS_BUILDS` before a single member is extracted.
``archive:PATH``
    A local archive with the same ``python/`` layout. Its sha256 must match
    ``--runtime-sha256``, or the pinned value when the file name is a pinned asset.
``system``
    The host interpreter, not copied: ``python/bin/python3`` is a symlink to it and
    the manifest records its path and version. Such a bundle only runs on the
    machine that built it: for development and tests, never for shipping.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from djdesk_electron_kit.bundle import extract, layout, platforms
from djdesk_electron_kit.bundle.errors import BundleError

PBS_BASE_URL = "https://github.com/astral-sh/python-build-standalone/releases/download"
PBS_RELEASE = "20241008"
PBS_FLAVOR = "install_only_stripped"

#: Pinned python-build-standalone builds of release 20241008, per minor version:
#: (full version, {triple: sha256 of the ``install_only_stripped.tar.gz`` asset}).
#: Source of the sha256 values: astral-sh/uv ``crates/uv-python/download-metadata.json``
#: at commit f6fd849f2c63e3b319ab03c936beab866dc303ba, which lists these exact assets;
#: they were copied from there, not computed here (no network access to GitHub in the
#: build environment). Bump a row by replacing version, release and all five values.
PBS_BUILDS: dict[str, tuple[str, dict[str, str]]] = {
    "3.10": (
        "3.10.15",
        {
            "x86_64-unknown-linux-gnu": "bf234c7fa23dfcc70c7248c4a46ea58775b39005f107084e51afd439e67f2baf",
            "aarch64-unknown-linux-gnu": "4a354407285995b12dc67bd5e99c588699cc0c434fddc38c84a61909381a2e2f",
            "x86_64-apple-darwin": "c8cc9d58f4c71106472e9b9b2801b702e7939db1922dceabe5b33b5602b490e4",
            "aarch64-apple-darwin": "bcd994f136c4568763e2d642f4236c81e19ffc2a3536224598dc1ad0c3e16bf7",
            "x86_64-pc-windows-msvc": "e5dbed3cd4e718081219fd039046779aa4ef808f725f7d19e60196fdf12d39ac",
        },
    ),
    "3.11": (
        "3.11.10",
        {
            "x86_64-unknown-linux-gnu": "d025f46c2ff20dd5ad8ff4628f65e691be73ca314b53b4145a691d9237601534",
            "aarch64-unknown-linux-gnu": "4cc6a85666586732a08f456616e234e3a49f0c85e28df4703064118a465b32be",
            "x86_64-apple-darwin": "ecd44a6309939d6d06db2b9b3a9b40361dc1e248b4956bd635671a1475ee3f17",
            "aarch64-apple-darwin": "fd187c5c12813e27261768d37ad46f08bc182f346d6ca9f3f87b57442ef9ed56",
            "x86_64-pc-windows-msvc": "7d591a66f9118ee7aa8a6ea990619bcc61aa737bd7a79cc47336d4be4addcd91",
        },
    ),
    "3.12": (
        "3.12.7",
        {
            "x86_64-unknown-linux-gnu": "11091cd2eb8b7f4551665ba8f9f5b83aa3d09fc0e17f1649d76d5f4f75254bf8",
            "aarch64-unknown-linux-gnu": "e254373827bde6b389ed17b8bb8aa8ac7b3659cf56d36e084a53ed1d04a02210",
            "x86_64-apple-darwin": "7091bd9ce844bcbceb8f3466a9c9583a139f79edd3b0cbed82f7423d333b2d4b",
            "aarch64-apple-darwin": "dc1f4d80c9b4ae40ba2c725e310e61446f8f778a7bea4efa56e4b1b4446e0a1a",
            "x86_64-pc-windows-msvc": "480688c69be99f1fb9974c8a50f1efd214aaa3440ab5c8653a68d8a3d4ce1179",
        },
    ),
    "3.13": (
        "3.13.0",
        {
            "x86_64-unknown-linux-gnu": "aa876c2660a802d0df8ef46f9c4b1c952e63c65d16e103663c22b9468dad40b7",
            "aarch64-unknown-linux-gnu": "1bfc058821199c4313ae67bb6c105df2c9dd3515bca955ff96724976acf64462",
            "x86_64-apple-darwin": "d6bc769002842147150a561502a23b57d5a8aa1ba643a6a0abf589bfe834e642",
            "aarch64-apple-darwin": "7bc4b23590a1e4b41b21b6aae6f92046c1d16d09bc0c1ab81272aa81b55221d1",
            "x86_64-pc-windows-msvc": "c82b440476fe04e80228791350a451b65e8080ff01b7168f1c4a5eb9645371f3",
        },
    ),
}

SYSTEM_NOTE = (
    "development and tests only: python/ points at the interpreter that built the "
    "bundle, so the bundle runs on this machine only"
)
PBS = "pbs"
ARCHIVE = "archive"
SYSTEM = "system"
DOWNLOAD_TIMEOUT = 60
PROBE_TIMEOUT = 60
CHUNK = 1 << 20
PROBE = (
    "import json, sys, sysconfig; print(json.dumps({"
    "'version': '%d.%d.%d' % sys.version_info[:3], "
    "'implementation': sys.implementation.name, "
    "'cache_tag': sys.implementation.cache_tag, "
    "'platform': sysconfig.get_platform()}))"
)


@dataclass(frozen=True)
class RuntimeSpec:
    """What ``--runtime`` asked for (``archive`` carries the path)."""

    kind: str
    archive: Path | None = None

    @classmethod
    def parse(cls, value: str) -> RuntimeSpec:
        if value in (PBS, SYSTEM):
            return cls(value)
        prefix = f"{ARCHIVE}:"
        if value.startswith(prefix) and len(value) > len(prefix):
            return cls(ARCHIVE, Path(value[len(prefix) :]).expanduser())
        raise BundleError(f"--runtime must be pbs, system or archive:PATH, not {value!r}")


@dataclass(frozen=True)
class Runtime:
    """A runtime in place in the staging folder."""

    kind: str
    # The interpreter the build runs its steps with (in the bundle, or the host's).
    python: Path
    version: str
    triple: str
    cache_tag: str
    # Recorded as-is in the manifest (no host paths but the system interpreter's).
    record: dict[str, Any] = field(default_factory=dict)

    @property
    def minor(self) -> str:
        return ".".join(self.version.split(".")[:2])


def pbs_asset(minor: str, triple: str) -> tuple[str, str, str]:
    """(asset file name, full version, sha256) of the pinned build; BundleError if none."""
    build = PBS_BUILDS.get(minor)
    if build is None:
        raise BundleError(
            f"no pinned python-build-standalone build for Python {minor} "
            f"(pinned: {', '.join(sorted(PBS_BUILDS))})"
        )
    version, hashes = build
    if triple not in hashes:
        raise BundleError(f"no pinned python-build-standalone build for {triple}")
    name = f"cpython-{version}+{PBS_RELEASE}-{triple}-{PBS_FLAVOR}.tar.gz"
    return name, version, hashes[triple]


def pbs_url(asset: str) -> str:
    return f"{PBS_BASE_URL}/{PBS_RELEASE}/{urllib.parse.quote(asset)}"


def pinned_sha256(asset: str) -> str | None:
    """The pinned sha256 when ``asset`` is one of the table's file names."""
    for minor, (_version, hashes) in PBS_BUILDS.items():
        for triple in hashes:
            name, _v, digest = pbs_asset(minor, triple)
            if name == asset:
                return digest
    return None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify_sha256(path: Path, expected: str) -> None:
    actual = sha256_file(path)
    if actual != expected.lower():
        raise BundleError(
            f"checksum mismatch for {path.name}: expected sha256 {expected.lower()}, got {actual}"
        )


def download(url: str, target: Path, expected: str, *, timeout: float = DOWNLOAD_TIMEOUT) -> None:
    """Fetch ``url`` into ``target``, hashing on the way; nothing is kept on a mismatch."""
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        raise BundleError(f"refusing to download {url}: not an http(s) URL")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part-{secrets.token_hex(4)}")
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, partial.open("wb") as out:  # noqa: S310 (scheme checked above)
            while chunk := response.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        actual = digest.hexdigest()
        if actual != expected.lower():
            raise BundleError(
                f"checksum mismatch for {target.name} downloaded from {url}: "
                f"expected sha256 {expected.lower()}, got {actual}"
            )
        os.replace(partial, target)
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise BundleError(f"cannot download {url}: {reason}") from exc
    finally:
        partial.unlink(missing_ok=True)


def cached_pbs_archive(asset: str, expected: str, cache_dir: Path) -> Path:
    """The verified archive in the cache, downloaded when missing or corrupt."""
    cached = cache_dir / asset
    if cached.is_file():
        if sha256_file(cached) == expected:
            return cached
        cached.unlink()  # corrupt or truncated: fetch it again
    download(pbs_url(asset), cached, expected)
    return cached


def probe(python: Path) -> dict[str, str]:
    """Version facts of ``python``, asked in isolated mode (no PYTHONPATH, no site)."""
    try:
        done = subprocess.run(
            [os.fspath(python), "-I", "-c", PROBE],
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BundleError(f"cannot run the runtime's interpreter {python}: {exc}") from exc
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise BundleError(f"the runtime's interpreter {python} does not start: {detail}")
    data = json.loads(done.stdout)
    if not isinstance(data, dict):
        raise BundleError(f"unexpected answer from {python}")
    return {key: str(value) for key, value in data.items()}


def _normalize_full_layout(root: Path) -> None:
    """A ``full`` archive keeps the installation in ``python/install``: lift it up."""
    install = root / "install"
    if not install.is_dir() or (root / "bin").exists() or (root / "python.exe").exists():
        return
    lifted = root.with_name(f".{root.name}.lift-{secrets.token_hex(4)}")
    os.replace(install, lifted)
    shutil.rmtree(root)
    os.replace(lifted, root)


def _install_archive(archive: Path, stage: Path, target: platforms.Platform) -> Path:
    root = extract.extract(archive, stage)
    _normalize_full_layout(root)
    python = layout.interpreter(stage, windows=target.windows)
    if not python.exists():
        relative = python.relative_to(stage).as_posix()
        raise BundleError(f"the runtime archive {archive.name} has no {relative}")
    return python


def _check_version(wanted: str | None, found: str, what: str) -> None:
    if wanted and ".".join(found.split(".")[:2]) != wanted:
        raise BundleError(f"{what} is Python {found}, but --python-version asks for {wanted}")


def _from_archive(
    kind: str,
    archive: Path,
    sha256: str,
    stage: Path,
    target: platforms.Platform,
    host: str,
    record: dict[str, Any],
    version_hint: str | None,
) -> Runtime:
    python = _install_archive(archive, stage, target)
    if target.triple != host:
        # A foreign interpreter cannot be asked: trust the table, or --python-version.
        version = record.get("version") or version_hint
        if not version:
            raise BundleError("a cross build from an archive needs --python-version")
        facts = {"version": version, "cache_tag": ""}
    else:
        facts = probe(python)
    record.update({"kind": kind, "archive": archive.name, "sha256": sha256})
    record["version"] = facts["version"]
    return Runtime(
        kind=kind,
        python=python,
        version=facts["version"],
        triple=target.triple,
        cache_tag=facts.get("cache_tag", ""),
        record={**record, "triple": target.triple},
    )


def _system(stage: Path, python_version: str | None, host: str) -> tuple[Runtime, str | None]:
    """Link ``python/bin/python3`` to the host interpreter (POSIX); returns a warning."""
    # Normalized (no "..") but not resolved: a venv's python stays the venv's python.
    executable = Path(os.path.abspath(sys.executable))
    facts = probe(executable)
    _check_version(python_version, facts["version"], f"the host interpreter {executable}")
    warning = None
    link = layout.interpreter(stage, windows=platforms.get(host).windows)
    python = executable
    if sys.platform == "win32":
        warning = (
            "--runtime system on Windows: no python/python.exe in the bundle; "
            "use --runtime pbs for a bundle the Electron shell can start"
        )
    else:
        link.parent.mkdir(parents=True)
        link.symlink_to(executable)
        python = link
    record = {
        "kind": SYSTEM,
        "interpreter": str(executable),
        "version": facts["version"],
        "triple": host,
        "note": SYSTEM_NOTE,
    }
    runtime = Runtime(
        kind=SYSTEM,
        python=python,
        version=facts["version"],
        triple=host,
        cache_tag=facts["cache_tag"],
        record=record,
    )
    return runtime, warning


def prepare(
    spec: RuntimeSpec,
    *,
    stage: Path,
    python_version: str | None,
    triple: str,
    cache_dir: Path,
    archive_sha256: str | None = None,
) -> tuple[Runtime, str | None]:
    """Put the runtime into ``stage/python``; returns it and an optional warning.

    ``python_version`` (``X.Y``) picks the pbs build, this host's by default; for the
    other kinds it is only checked against what the interpreter turns out to be.
    """
    host = platforms.host_triple()
    target = platforms.get(triple)
    if spec.kind == SYSTEM:
        if triple != host:
            raise BundleError("--runtime system cannot build for another platform")
        return _system(stage, python_version, host)
    if spec.kind == PBS:
        cleanup_partial_downloads(cache_dir)
        minor = python_version or f"{sys.version_info[0]}.{sys.version_info[1]}"
        asset, version, expected = pbs_asset(minor, triple)
        archive = cached_pbs_archive(asset, expected, cache_dir)
        # Checked again right before extraction: the cache is a folder anyone may touch.
        verify_sha256(archive, expected)
        record = {"version": version, "url": pbs_url(asset), "release": PBS_RELEASE}
        runtime = _from_archive(PBS, archive, expected, stage, target, host, record, version)
        return runtime, None
    assert spec.archive is not None
    archive = spec.archive.resolve()
    if not archive.is_file():
        raise BundleError(f"runtime archive {spec.archive} does not exist")
    pinned = archive_sha256 or pinned_sha256(archive.name)
    if not pinned:
        raise BundleError(
            f"{archive.name} is not a pinned python-build-standalone asset: pass "
            "--runtime-sha256 with its sha256 so it can be checked before extraction"
        )
    verify_sha256(archive, pinned)
    runtime = _from_archive(
        ARCHIVE, archive, pinned.lower(), stage, target, host, {}, python_version
    )
    if triple == host:
        _check_version(python_version, runtime.version, f"the runtime archive {archive.name}")
    return runtime, None


def cleanup_partial_downloads(cache_dir: Path) -> None:
    """Remove ``.part`` files a killed build left in the cache."""
    with contextlib.suppress(OSError):
        for partial in cache_dir.glob(".*.part-*"):
            partial.unlink(missing_ok=True)
