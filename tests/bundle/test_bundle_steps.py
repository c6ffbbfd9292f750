"""Single steps without a whole build: pruning, bytecode, pip's report, children."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from djdesk_electron_kit.bundle import child, compiling, dependencies, kit, pruning
from djdesk_electron_kit.bundle.errors import BundleError


def _touch(root: Path, names: list[str]) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")


def test_prune_runtime_posix(tmp_path: Path) -> None:
    keep = [
        "python/bin/python3.12",
        "python/lib/python3.12/os.py",
        "python/lib/python3.12/sqlite3/__init__.py",
        "python/lib/python3.12/lib-dynload/_ssl.cpython-312-x86_64-linux-gnu.so",
    ]
    drop = [
        "python/bin/idle3.12",
        "python/bin/pip3",
        "python/bin/python3.12-config",
        "python/include/python3.12/Python.h",
        "python/lib/libtcl8.6.so",
        "python/lib/tcl8.6/init.tcl",
        "python/lib/python3.12/idlelib/run.py",
        "python/lib/python3.12/tkinter/__init__.py",
        "python/lib/python3.12/test/test_os.py",
        "python/lib/python3.12/sqlite3/test/test_x.py",
        "python/lib/python3.12/ensurepip/__init__.py",
        "python/lib/python3.12/site-packages/pip/__init__.py",
        "python/lib/python3.12/config-3.12-x86_64-linux-gnu/libpython3.12.a",
        "python/lib/python3.12/lib-dynload/_tkinter.cpython-312-x86_64-linux-gnu.so",
    ]
    _touch(tmp_path, keep + drop)
    freed, _removed = pruning.prune_runtime(tmp_path, windows=False)
    assert freed == len(drop)
    left = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert left == set(keep)


def test_prune_runtime_windows_and_site_packages(tmp_path: Path) -> None:
    _touch(
        tmp_path,
        [
            "python/python.exe",
            "python/Lib/os.py",
            "python/Lib/idlelib/run.py",
            "python/DLLs/_tkinter.pyd",
            "python/DLLs/tcl86t.dll",
            "python/Scripts/pip.exe",
            "site-packages/bin/django-admin",
            "site-packages/django/conf/locale/fr/LC_MESSAGES/django.po",
            "site-packages/django/conf/locale/fr/LC_MESSAGES/django.mo",
        ],
    )
    pruning.prune_runtime(tmp_path, windows=True)
    pruning.prune_site_packages(tmp_path)
    left = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert left == {
        "python/python.exe",
        "python/Lib/os.py",
        "site-packages/django/conf/locale/fr/LC_MESSAGES/django.mo",
    }


def test_bytecode_is_unchecked_hash_deterministic_and_not_redone(tmp_path: Path) -> None:
    package = tmp_path / "site-packages" / "pkg"
    package.mkdir(parents=True)
    source = package / "mod.py"
    source.write_text("VALUE = 42\n")
    assert not compiling.up_to_date(source)
    assert compiling.main(["--root", str(tmp_path), str(tmp_path / "site-packages")]) == 0
    cached = Path(importlib.util.cache_from_source(str(source)))
    first = cached.read_bytes()
    assert first[4:8] == b"\x01\x00\x00\x00"
    assert compiling.up_to_date(source)
    cached.unlink()
    compiling.main(["--root", str(tmp_path), str(tmp_path / "site-packages")])
    assert cached.read_bytes() == first
    # The code object names the file relative to the bundle, not this machine's path.
    assert b"site-packages/pkg/mod.py" in first
    assert str(tmp_path).encode() not in first
    source.write_text("VALUE = 43\n")
    assert not compiling.up_to_date(source)


def test_syntax_errors_do_not_stop_compiling(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "bad.py").write_text("def (:\n")
    (tmp_path / "app" / "good.py").write_text("x = 1\n")
    compiling.main(["--root", str(tmp_path), str(tmp_path / "app")])
    out = capsys.readouterr().out
    assert "not compiled: app/bad.py: SyntaxError" in out
    assert "compiled 1 files, 1 errors" in out


REPORT = {
    "version": "1",
    "install": [
        {
            "metadata": {"name": "Django", "version": "5.2.1"},
            "download_info": {
                "url": "https://x/Django.whl",
                "archive_info": {"hashes": {"sha256": "ab"}},
            },
        },
        {
            "metadata": {"name": "my_lib", "version": "1.0"},
            "is_direct": True,
            "download_info": {
                "url": "https://github.com/me/lib",
                "vcs_info": {"vcs": "git", "commit_id": "0123abc"},
            },
        },
    ],
}


def test_pip_report_gives_pins_and_a_stable_key() -> None:
    one = dependencies.parse_report(REPORT, minor="3.12", triple="t", options=())
    assert [p.pin for p in one.packages] == [
        "django==5.2.1",
        "my-lib @ git+https://github.com/me/lib@0123abc",
    ]
    assert one.version_of("django") == "5.2.1"
    assert one.recorded()["packages"]["django"] == {"version": "5.2.1", "sha256": "ab"}
    again = dependencies.parse_report(REPORT, minor="3.12", triple="t", options=())
    other = dependencies.parse_report(REPORT, minor="3.13", triple="t", options=())
    assert one.key == again.key != other.key
    with pytest.raises(BundleError, match="unsupported pip report version"):
        dependencies.parse_report({"version": "0"}, minor="3.12", triple="t", options=())


def test_cross_builds_ask_pip_for_the_target_wheels() -> None:
    pip = dependencies.Pip.for_build(
        runtime_kind="pbs",
        runtime_python=Path("/b/python/bin/python3"),
        minor="3.12",
        target="x86_64-pc-windows-msvc",
        host="x86_64-unknown-linux-gnu",
    )
    argv = pip.argv("--dry-run")
    assert argv[0] == sys.executable
    assert (
        argv[-9:]
        == [
            "--platform",
            "win_amd64",
            "--python-version",
            "3.12",
            "--implementation",
            "cp",
            "--abi",
            "cp312",
            "--only-binary=:all:",
        ][-10:]
    )
    native = dependencies.Pip.for_build(
        runtime_kind="pbs",
        runtime_python=Path("/b/python/bin/python3"),
        minor="3.12",
        target="x86_64-unknown-linux-gnu",
        host="x86_64-unknown-linux-gnu",
    )
    assert native.argv()[0] == "/b/python/bin/python3"


def test_kit_files_are_told_apart() -> None:
    assert kit.owns("djdesk_inspector/models.py")
    assert kit.owns("djdesk_electron_kit/launch.py")
    assert kit.owns("djdesk_inspector-0.1.0.dist-info/RECORD")
    assert not kit.owns("django/__init__.py")


def test_kit_install_copies_packages_with_metadata(tmp_path: Path) -> None:
    count = kit.install(tmp_path)
    assert (tmp_path / "djdesk_electron_kit" / "bundle" / "compiling.py").is_file()
    assert not list(tmp_path.rglob("__pycache__"))
    record = (tmp_path / kit.DIST_INFO / "RECORD").read_text().splitlines()
    assert len(record) == count
    assert "Name: djdesk-inspector" in (tmp_path / kit.DIST_INFO / "METADATA").read_text()


def test_a_failing_child_is_reported_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(BundleError) as caught:
        child.run(
            [
                sys.executable,
                "-c",
                "import sys; print('working'); print('ERROR: no such dist'); sys.exit(3)",
            ],
            what="pip",
            cwd=tmp_path,
            env=child.clean_env(),
            timeout=60,
        )
    assert str(caught.value) == "pip failed (exit 3): ERROR: no such dist"


def test_a_hanging_child_is_killed(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="did not finish within 1 s"):
        child.run(
            [sys.executable, "-c", "import time; time.sleep(60)"],
            what="sleeper",
            cwd=tmp_path,
            env=child.clean_env(),
            timeout=1,
        )


def test_children_never_inherit_settings_or_pythonpath(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "x.settings")
    monkeypatch.setenv("PYTHONPATH", "/somewhere")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s3cr3t")
    monkeypatch.setenv("PIP_INDEX_URL", "https://mirror/simple")
    env = child.clean_env(PYTHONPATH="/bundle/app")
    assert env["PYTHONPATH"] == "/bundle/app"
    assert "DJANGO_SETTINGS_MODULE" not in env
    assert "AWS_SECRET_ACCESS_KEY" not in env
    assert env["PIP_INDEX_URL"] == "https://mirror/simple"


def test_markers_for_another_platform_are_found() -> None:
    from djdesk_electron_kit.bundle import markers, platforms

    report = {
        "environment": {
            "sys_platform": "linux",
            "platform_system": "Linux",
            "python_version": "3.12",
        },
        "install": [
            {
                "metadata": {
                    "name": "Django",
                    "requires_dist": [
                        "asgiref>=3.8.1",
                        'tzdata; sys_platform == "win32"',
                        'argon2-cffi>=19.1.0; extra == "argon2"',
                    ],
                }
            },
            {
                "metadata": {
                    "name": "asgiref",
                    "requires_dist": ["typing-extensions>=4; python_version < '3.11'"],
                }
            },
        ],
    }
    windows = dict(platforms.get("x86_64-pc-windows-msvc").markers)
    linux = dict(platforms.get("x86_64-unknown-linux-gnu").markers)
    assert markers.missing(report, windows) == ["tzdata"]
    assert markers.missing(report, linux) == []


def _previous_bundle(root: Path) -> dict[str, object]:
    from djdesk_electron_kit import __version__
    from djdesk_electron_kit.bundle import manifest

    _touch(
        root,
        [
            "site-packages/django/__init__.py",
            "site-packages/six.py",
            "site-packages/djdesk_inspector/__init__.py",
            "static/app.css",
        ],
    )
    return {
        "files": manifest.scan(root),
        "dependencies": {"key": "k"},
        "versions": {"djdesk": __version__},
        "inputs": {"options": {"compile": True}},
    }


def test_previous_site_packages_are_adopted_only_when_identical(tmp_path: Path) -> None:
    previous = _previous_bundle(tmp_path)
    adoption = dependencies.adoptable(tmp_path, previous, "k", compiled=True)
    assert adoption is not None
    assert adoption.names == ("django", "six.py")  # never the kit, never other parts
    assert set(adoption.entries) == {"site-packages/django/__init__.py", "site-packages/six.py"}
    assert dependencies.adoptable(tmp_path, previous, "other", compiled=True) is None
    assert dependencies.adoptable(tmp_path, previous, "k", compiled=False) is None
    (tmp_path / "site-packages" / "django" / "extra.py").write_text("")
    assert dependencies.adoptable(tmp_path, previous, "k", compiled=True) is None
    (tmp_path / "site-packages" / "django" / "extra.py").unlink()
    (tmp_path / "site-packages" / "six.py").write_text("changed")
    assert dependencies.adoptable(tmp_path, previous, "k", compiled=True) is None
