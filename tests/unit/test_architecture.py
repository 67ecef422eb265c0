"""The boundary of DESIGN.md: the core package ``gongkai_desktop`` never imports Qt or ``ui``."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "gongkai_desktop"
FORBIDDEN = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "ui")


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Every absolute module name an import statement (anywhere in the file) brings in."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "__import__"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def is_forbidden(module: str) -> bool:
    top = module.split(".", 1)[0]
    return top in FORBIDDEN


def test_core_never_imports_qt_or_ui() -> None:
    """No module of gongkai_desktop imports PySide6, shiboken6 (or another Qt binding) or ui."""
    files = sorted(CORE.rglob("*.py"))
    assert len(files) > 10, "the core package was not found"
    offenders = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, module in imported_modules(tree):
            if is_forbidden(module):
                offenders.append(f"{path.relative_to(CORE.parent)}:{line} imports {module}")
    assert offenders == []


def test_the_check_sees_every_import_form() -> None:
    """The walker catches plain, from-, nested and dynamic imports (so the test above can fail)."""
    source = (
        "import PySide6.QtCore\n"
        "from shiboken6 import isValid\n"
        "def f():\n"
        "    from ui.app import main\n"
        "    importlib.import_module('PySide6.QtWidgets')\n"
        "    __import__('ui')\n"
        "from .ui import x\n"
        "import uitools\n"
    )
    modules = [m for _line, m in imported_modules(ast.parse(source))]
    assert [m for m in modules if is_forbidden(m)] == [
        "PySide6.QtCore",
        "shiboken6",
        "ui.app",
        "PySide6.QtWidgets",
        "ui",
    ]
