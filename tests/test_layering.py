"""The layering DESIGN.md fixes: the kernel imports no app, the electron kit only the kernel."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def imported_modules(folder: Path) -> list[tuple[str, str]]:
    """(file, module) for every absolute import of djdesk_inspector under ``folder``."""
    found = []
    for path in sorted(folder.rglob("*.py")) if folder.is_dir() else [folder]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            found += [
                (str(path.relative_to(SRC)), name)
                for name in names
                if name.split(".")[0] == "djdesk_inspector"
            ]
    return found


KERNEL = ("djdesk_inspector", "djdesk_inspector.__version__", "djdesk_inspector.kernel")
# DJDESK_INSPECTOR holds the one cross-app key DESIGN.md puts there (PERMISSION_CALLBACK);
# its conf module is settings only and itself imports nothing but the kernel.
SHARED_SETTINGS = ("djdesk_inspector.conf", "djdesk_inspector.conf.get")


def outside_kernel(
    imports: list[tuple[str, str]], allowed: tuple[str, ...] = KERNEL
) -> list[tuple[str, str]]:
    return [
        (where, name)
        for where, name in imports
        if name not in allowed and not name.startswith("djdesk_inspector.kernel.")
    ]


def test_the_electron_kit_imports_only_the_kernel() -> None:
    imports = imported_modules(SRC / "djdesk_electron_kit")
    assert imports, "the walk found no imports at all"
    assert outside_kernel(imports) == []


def test_the_kernel_imports_no_app() -> None:
    imports = imported_modules(SRC / "djdesk_inspector" / "kernel")
    assert imports, "the walk found no imports at all"
    assert outside_kernel(imports, KERNEL + SHARED_SETTINGS) == []
    conf = imported_modules(SRC / "djdesk_inspector" / "conf.py")
    assert outside_kernel(conf) == []


def test_the_check_would_catch_an_app_import() -> None:
    assert outside_kernel([("x.py", "djdesk_inspector.docs.manifest")]) == [
        ("x.py", "djdesk_inspector.docs.manifest")
    ]
