"""snaptui.aws never imports Textual or the UI, neither in its source nor at run time."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

AWS = Path(__file__).resolve().parents[2] / "snaptui" / "aws"
FORBIDDEN = ("textual", "snaptui.ui", "rich")


def _imports(path: Path) -> set[str]:
    """Absolute module names imported by a file, relative imports resolved."""
    package = "snaptui.aws"
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
                names.add(module)
                names.update(f"{module}.{alias.name}" for alias in node.names)
            elif node.module:
                names.add(node.module)
    return names


def _forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


def test_aws_sources_import_no_ui() -> None:
    files = sorted(AWS.rglob("*.py"))
    assert len(files) >= 8, "snaptui/aws looks empty"
    offenders = {
        str(path.relative_to(AWS)): sorted(n for n in _imports(path) if _forbidden(n))
        for path in files
    }
    assert {f: names for f, names in offenders.items() if names} == {}


def test_the_scan_would_catch_a_textual_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from textual.app import App\nfrom ..ui import screens\nimport rich\n")
    assert {n for n in _imports(bad) if _forbidden(n)} == {
        "textual.app",
        "snaptui.ui",
        "snaptui.ui.screens",
        "rich",
    }


def test_importing_the_layer_loads_no_textual() -> None:
    code = (
        "import sys, snaptui.aws\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')"
        " or m.startswith('snaptui.ui'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == ""
