"""The UI never talks to botocore directly, and the AWS layer never imports Textual."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "snaptui"


def imported_modules(folder: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[str(path.relative_to(PACKAGE))] = names
    return found


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        ("ui", ("botocore", "aiobotocore", "boto3", "moto", "aiohttp")),
        ("aws", ("textual", "snaptui.ui", "moto")),
    ],
)
def test_layer_does_not_import(folder, forbidden):
    offenders = {
        file: sorted(n for n in names if n.split(".")[0] in forbidden or n.startswith(forbidden))
        for file, names in imported_modules(PACKAGE / folder).items()
    }
    assert {f: n for f, n in offenders.items() if n} == {}
    assert offenders, f"no Python files found under snaptui/{folder}"
