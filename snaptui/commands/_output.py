"""Output of the headless commands: JSON or tables on stdout, everything else on stderr.

stdout carries only the result (a table, or with ``--json`` one JSON document), so a script
can pipe it; summaries, permission checks, progress and errors go to stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, TextIO

__all__ = ["emit_json", "iso", "note", "print_summary", "print_table"]


def iso(moment: datetime | None) -> str | None:
    """ISO-8601 in UTC with a ``Z``, to the second (``2026-03-01T12:00:00Z``); None stays None."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def emit_json(data: Any, out: TextIO | None = None) -> None:
    """One JSON document on stdout (indented: readable by people, parsed the same by jq)."""
    stream = out or sys.stdout
    json.dump(data, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
    stream.flush()


def note(message: str, err: TextIO | None = None) -> None:
    """A line for the person (or the CI log) on stderr, prefixed like every snaptui message."""
    stream = err or sys.stderr
    stream.write(f"snaptui: {message}\n")
    stream.flush()


def print_summary(title: str, lines: Iterable[tuple[str, str]], err: TextIO | None = None) -> None:
    """A request's summary as aligned ``label: value`` lines on stderr."""
    stream = err or sys.stderr
    rows = list(lines)
    width = max((len(label) for label, _ in rows), default=0)
    stream.write(f"{title}\n")
    for label, value in rows:
        stream.write(f"  {label + ':':<{width + 1}} {value}\n")
    stream.flush()


def print_table(
    headers: Sequence[str], rows: Iterable[Sequence[object]], out: TextIO | None = None
) -> None:
    """A plain, aligned table (no colour, no box drawing): greppable and awk-friendly."""
    stream = out or sys.stdout
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], len(value))
    for row in [list(headers), *cells]:
        padded = [value.ljust(widths[i]) for i, value in enumerate(row[:-1])]
        stream.write("  ".join([*padded, row[-1]]).rstrip() + "\n")
    stream.flush()


def _cell(value: object) -> str:
    if value is None or value == "":
        return "-"
    return " ".join(str(value).split())
