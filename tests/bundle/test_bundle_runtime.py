"""Step 1: the pinned python-build-standalone table, checksums before extraction,
extraction that refuses to write outside its folder, and the archive runtime end to end."""

from __future__ import annotations

import hashlib
import http.server
import json
import re
import sys
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from djdesk_electron_kit.bundle import extract, platforms, runtime
from djdesk_electron_kit.bundle.errors import BundleError
from tests.bundle import running


def test_pbs_table_pins_every_supported_version_and_platform() -> None:
    assert set(runtime.PBS_BUILDS) == {"3.10", "3.11", "3.12", "3.13"}
    for minor, (version, hashes) in runtime.PBS_BUILDS.items():
        assert version.startswith(minor + ".")
        assert set(hashes) == set(platforms.PLATFORMS)
        assert all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in hashes.values())
    every = [d for _v, hashes in runtime.PBS_BUILDS.values() for d in hashes.values()]
    assert len(set(every)) == len(every)


def test_pbs_assets_are_the_stripped_install_only_archives() -> None:
    name, _version, digest = runtime.pbs_asset("3.12", "aarch64-apple-darwin")
    assert name == "cpython-3.12.7+20241008-aarch64-apple-darwin-install_only_stripped.tar.gz"
    assert runtime.pinned_sha256(name) == digest
    assert runtime.pbs_url(name) == (
        "https://github.com/astral-sh/python-build-standalone/releases/download/20241008/"
        "cpython-3.12.7%2B20241008-aarch64-apple-darwin-install_only_stripped.tar.gz"
    )
    with pytest.raises(
        BundleError, match=r"no pinned python-build-standalone build for Python 3\.9"
    ):
        runtime.pbs_asset("3.9", "x86_64-unknown-linux-gnu")


def test_the_host_has_a_supported_triple() -> None:
    assert platforms.host_triple() in platforms.PLATFORMS


def test_runtime_option_parsing() -> None:
    assert runtime.RuntimeSpec.parse("system").kind == "system"
    spec = runtime.RuntimeSpec.parse("archive:/tmp/x.tar.gz")
    assert (spec.kind, spec.archive) == ("archive", Path("/tmp/x.tar.gz"))
    with pytest.raises(BundleError, match="--runtime must be"):
        runtime.RuntimeSpec.parse("archive:")


HOSTILE = {
    "dot-dot": [running.file_member("python/../evil.txt")],
    "absolute": [running.file_member("/tmp/djdesk-evil.txt")],
    "outside-root": [running.file_member("elsewhere/evil.txt")],
    "symlink-escape": [running.link_member("python/lib/escape", "../../..")],
    "symlink-absolute": [running.link_member("python/passwd", "/etc/passwd")],
    "symlink-to-root": [running.link_member("python/bin/up", "..")],
    "hardlink-escape": [running.link_member("python/hard", "../outside.txt", hard=True)],
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_members_are_refused_before_anything_is_written(tmp_path: Path, case: str) -> None:
    members = [running.dir_member("python"), running.file_member("python/ok.txt"), *HOSTILE[case]]
    archive = running.make_tar(tmp_path / "evil.tar.gz", members)
    target = tmp_path / "target"
    target.mkdir()
    with pytest.raises(BundleError, match="refusing the runtime archive"):
        extract.extract(archive, target)
    assert list(target.iterdir()) == []
    assert not (tmp_path / "evil.txt").exists()


def test_devices_are_refused(tmp_path: Path) -> None:
    device = tarfile.TarInfo("python/dev")
    device.type = tarfile.CHRTYPE
    archive = running.make_tar(tmp_path / "dev.tar.gz", [(device, None)])
    with pytest.raises(BundleError, match="not a regular file"):
        extract.extract(archive, tmp_path)


def test_a_safe_archive_extracts_with_its_internal_links(tmp_path: Path) -> None:
    members = [
        running.dir_member("python"),
        running.dir_member("python/bin"),
        running.file_member("python/bin/python3.12", b"#!binary", mode=0o755),
        running.link_member("python/bin/python3", "python3.12"),
        running.link_member("python/bin/python", "python3.12", hard=False),
    ]
    archive = running.make_tar(tmp_path / "ok.tar.gz", members)
    root = extract.extract(archive, tmp_path / "out")
    assert (root / "bin" / "python3").resolve() == (root / "bin" / "python3.12").resolve()
    assert (root / "bin" / "python3.12").read_bytes() == b"#!binary"


def test_a_checksum_mismatch_stops_before_extraction(tmp_path: Path) -> None:
    archive = running.make_tar(tmp_path / "rt.tar.gz", [running.file_member("python/bin/python3")])
    stage = tmp_path / "stage"
    stage.mkdir()
    with pytest.raises(
        BundleError, match=r"checksum mismatch for rt\.tar\.gz: expected sha256 0{64}"
    ):
        runtime.prepare(
            runtime.RuntimeSpec("archive", archive),
            stage=stage,
            python_version="3.11",
            triple=platforms.host_triple(),
            cache_dir=tmp_path / "cache",
            archive_sha256="0" * 64,
        )
    assert list(stage.iterdir()) == []


def test_an_archive_that_is_not_pinned_needs_a_checksum(tmp_path: Path) -> None:
    archive = running.make_tar(tmp_path / "rt.tar.gz", [running.file_member("python/bin/python3")])
    with pytest.raises(BundleError, match="pass --runtime-sha256"):
        runtime.prepare(
            runtime.RuntimeSpec("archive", archive),
            stage=tmp_path,
            python_version="3.11",
            triple=platforms.host_triple(),
            cache_dir=tmp_path / "cache",
        )


class _Files(http.server.BaseHTTPRequestHandler):
    payload = b""
    requests = 0

    def do_GET(self) -> None:
        type(self).requests += 1
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.payload)))
        self.end_headers()
        self.wfile.write(self.payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, type[_Files]]]:
    handler = type("Handler", (_Files,), {"payload": b"runtime bytes" * 1000, "requests": 0})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/asset.tar.gz", handler
    httpd.shutdown()
    httpd.server_close()


def test_download_keeps_nothing_on_a_checksum_mismatch(tmp_path: Path, server) -> None:  # type: ignore[no-untyped-def]
    url, _handler = server
    target = tmp_path / "cache" / "asset.tar.gz"
    with pytest.raises(BundleError, match=r"checksum mismatch for asset\.tar\.gz downloaded from"):
        runtime.download(url, target, "f" * 64)
    assert list(target.parent.iterdir()) == []


def test_pbs_archives_are_downloaded_once_then_served_from_the_cache(
    tmp_path: Path, server, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    url, handler = server
    digest = hashlib.sha256(handler.payload).hexdigest()
    monkeypatch.setattr(runtime, "pbs_url", lambda asset: url)
    cache = tmp_path / "cache"
    first = runtime.cached_pbs_archive("asset.tar.gz", digest, cache)
    second = runtime.cached_pbs_archive("asset.tar.gz", digest, cache)
    assert first == second == cache / "asset.tar.gz"
    assert handler.requests == 1
    # A corrupted cache entry is fetched again, never used.
    first.write_bytes(b"tampered")
    runtime.cached_pbs_archive("asset.tar.gz", digest, cache)
    assert handler.requests == 2
    assert first.read_bytes() == handler.payload


def test_download_refuses_other_schemes(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="not an http"):
        runtime.download("file:///etc/passwd", tmp_path / "x", "0" * 64)


@pytest.mark.slow
def test_archive_runtime_bundle_is_checked_extracted_pruned_and_launches(
    fake_runtime: tuple[Path, str], tmp_path: Path
) -> None:
    archive, digest = fake_runtime
    output = tmp_path / "django-bundle"
    done = running.build(output, "--runtime-sha256", digest, runtime=f"archive:{archive}")
    assert "(archive," in done.stdout
    python = output / "python" / "bin"
    assert python.joinpath("python3").is_symlink()
    assert not python.joinpath(f"python{sys.version_info[0]}.{sys.version_info[1]}").is_symlink()
    assert not list(output.glob("python/lib/python3.*/idlelib"))
    assert not (output / "python" / "include").exists()
    data = json.loads((output / "manifest.json").read_text())
    assert data["runtime"]["kind"] == "archive"
    assert data["runtime"]["archive"] == archive.name
    assert data["runtime"]["sha256"] == digest
    assert str(archive.parent) not in json.dumps(data)
    with running.launch(output, tmp_path / "data") as app:
        assert app.get("/djdesk/desktop/health/")[0] == 200


@pytest.mark.slow
def test_a_wrong_checksum_fails_in_one_line_and_writes_no_bundle(
    fake_runtime: tuple[Path, str], tmp_path: Path
) -> None:
    archive, digest = fake_runtime
    output = tmp_path / "django-bundle"
    wrong = ("0" if digest[0] != "0" else "1") + digest[1:]
    done = running.build(
        output, "--runtime-sha256", wrong, runtime=f"archive:{archive}", check=False
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"CommandError: checksum mismatch for {archive.name}: expected sha256 {wrong}, got {digest}"
    ]
    assert not output.exists()
    assert running.siblings(output) == []


@pytest.mark.slow
def test_a_hostile_archive_fails_in_one_line_and_writes_no_bundle(tmp_path: Path) -> None:
    archive = running.make_tar(
        tmp_path / "evil.tar.gz",
        [running.file_member("python/bin/python3"), running.file_member("python/../../evil")],
    )
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    output = tmp_path / "out" / "django-bundle"
    done = running.build(
        output, "--runtime-sha256", digest, runtime=f"archive:{archive}", check=False
    )
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert "refusing the runtime archive: member 'python/../../evil'" in line
    assert not output.exists()
    assert running.siblings(output) == []
    assert not (tmp_path / "evil").exists()


def test_the_pbs_path_downloads_verifies_extracts_and_probes(
    fake_runtime: tuple[Path, str], tmp_path: Path, server, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """The real ``--runtime pbs`` code, with the download served locally."""
    archive, digest = fake_runtime
    url, handler = server
    handler.payload = archive.read_bytes()
    host = platforms.host_triple()
    minor = f"{sys.version_info[0]}.{sys.version_info[1]}"
    version, hashes = runtime.PBS_BUILDS[minor]
    monkeypatch.setitem(runtime.PBS_BUILDS, minor, (version, {**hashes, host: digest}))
    monkeypatch.setattr(runtime, "pbs_url", lambda asset: url)
    stage = tmp_path / "stage"
    stage.mkdir()
    found, warning = runtime.prepare(
        runtime.RuntimeSpec("pbs"),
        stage=stage,
        python_version=minor,
        triple=host,
        cache_dir=tmp_path / "cache",
    )
    assert warning is None
    assert found.kind == "pbs"
    assert found.python == stage / "python" / "bin" / "python3"
    assert found.version.startswith(minor)
    assert found.record["sha256"] == digest
    assert found.record["archive"] == runtime.pbs_asset(minor, host)[0]
    assert (tmp_path / "cache" / found.record["archive"]).is_file()
    assert handler.requests == 1


@pytest.mark.slow
def test_a_cross_build_gets_the_target_wheels_and_skips_the_launch(tmp_path: Path) -> None:
    archive = running.make_tar(
        tmp_path / "win.tar.gz",
        [running.file_member("python/python.exe", b"MZ"), running.file_member("python/Lib/os.py")],
    )
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    output = tmp_path / "django-bundle"
    done = running.build(
        output,
        "--runtime-sha256",
        digest,
        "--target-platform",
        "x86_64-pc-windows-msvc",
        "--python-version",
        f"{sys.version_info[0]}.{sys.version_info[1]}",
        runtime=f"archive:{archive}",
    )
    assert "Launching the bundle: skipped (built for x86_64-pc-windows-msvc" in done.stdout
    data = json.loads((output / "manifest.json").read_text())
    assert data["runtime"]["triple"] == "x86_64-pc-windows-msvc"
    assert data["inputs"]["options"]["target"] == "x86_64-pc-windows-msvc"
    binaries = [p for p in data["files"] if p.endswith((".so", ".pyd"))]
    assert binaries, "the example's dependencies include compiled wheels"
    assert all(p.endswith(".pyd") for p in binaries)
    assert "tzdata" in data["dependencies"]["packages"]  # Django needs it on Windows only
