"""Step 7 and ``--verify``: the manifest is stable and catches any change."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from djdesk_electron_kit.bundle import manifest, verify
from djdesk_electron_kit.bundle.errors import BundleError


def _bundle(root: Path) -> Path:
    for name, data in {
        "app/manage.py": b"print()\n",
        "site-packages/pkg/__init__.py": b"",
        "static/app.css": b"body{}\n",
    }.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def _write(root: Path) -> dict[str, object]:
    files = manifest.scan(root)
    data = manifest.build(files, versions={}, runtime={}, inputs={}, dependencies={}, git=None)
    manifest.write(root, data)
    return data


def test_scan_is_sorted_posix_and_sized(tmp_path: Path) -> None:
    files = manifest.scan(_bundle(tmp_path))
    assert list(files) == ["app/manage.py", "site-packages/pkg/__init__.py", "static/app.css"]
    assert files["static/app.css"]["size"] == 7
    sizes = manifest.sizes(files)
    assert sizes["app"] == 8 and sizes["total"] == 15 and sizes["docs"] == 0


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges")
def test_symlinks_are_recorded_not_followed(tmp_path: Path) -> None:
    root = _bundle(tmp_path)
    (root / "python" / "bin").mkdir(parents=True)
    (root / "python" / "bin" / "python3").symlink_to("python3.12")
    assert manifest.scan(root)["python/bin/python3"] == {"symlink": "python3.12"}


def test_dumps_is_stable_and_only_built_at_varies(tmp_path: Path) -> None:
    root = _bundle(tmp_path)
    first = _write(root)
    second = _write(root)
    assert manifest.stable(first) == manifest.stable(second)
    text = manifest.dumps(first)
    assert text == manifest.dumps(dict(reversed(list(first.items()))))
    assert text.endswith("\n")


def test_verify_passes_then_names_the_differences(tmp_path: Path) -> None:
    root = _bundle(tmp_path)
    _write(root)
    assert verify.verify(root) == 3
    (root / "static" / "app.css").write_text("body{color:red}")
    (root / "app" / "manage.py").unlink()
    (root / "app" / "new.py").write_text("")
    with pytest.raises(BundleError) as caught:
        verify.verify(root)
    message = str(caught.value)
    assert "\n" not in message
    assert (
        "(3 problems): missing app/manage.py; unexpected app/new.py; changed static/app.css"
        in message
    )


def test_verify_needs_a_manifest(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match=r"has no readable manifest\.json"):
        verify.verify(tmp_path)
