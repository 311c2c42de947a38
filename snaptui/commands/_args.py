"""Parser helpers shared by the headless commands, and input checks that fail with one line.

Ids and durations are checked in the command (``require_id``...) rather than by argparse
``type=`` functions: argparse would print the usage block too, and a script's log should get
one line saying what is wrong and what to do.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from snaptui.cli import UsageError, add_session_flags

__all__ = [
    "HelpFormatter",
    "add_command",
    "add_reason_flag",
    "add_wait_flags",
    "parse_tags",
    "parse_timeout",
    "require_id",
    "require_plain_text",
]

_KIND_WORDS = {"snapshot": "snap", "volume": "vol", "instance": "i", "image": "ami"}


def add_command(
    subparsers: argparse._SubParsersAction,  # type: ignore[type-arg]
    name: str,
    *,
    help: str,
    description: str,
    examples: Sequence[str],
    json: bool = True,
) -> argparse.ArgumentParser:
    """A subcommand with the session flags, ``--json`` and an examples epilog."""
    epilog = "examples:\n" + "\n".join(f"  {example}" for example in examples)
    parser = subparsers.add_parser(
        name, help=help, description=description, epilog=epilog, formatter_class=HelpFormatter
    )
    if json:
        parser.add_argument(
            "--json",
            action="store_true",
            help="print one JSON document on stdout (shapes: see the README)",
        )
    session = parser.add_argument_group("AWS session (also accepted before the command)")
    add_session_flags(session, in_command=True)  # type: ignore[arg-type]
    return parser


class HelpFormatter(argparse.HelpFormatter):
    """Wraps the description like argparse does, but keeps the examples epilog as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def add_wait_flags(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--wait",
        action="store_true",
        help=f"wait until {what} (no 10-minute cap; progress on stderr)",
    )
    parser.add_argument(
        "--timeout",
        metavar="DURATION",
        help="with --wait: give up after this long, e.g. 30m or 2h (exit code 4); "
        "default: wait as long as it takes",
    )


def add_reason_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--reason",
        default="",
        help="why (a ticket, a release): tagged as snaptui:reason and written to the audit log",
    )


def require_id(value: str, kind: str) -> str:
    """``value`` if it is a well-formed id of ``kind`` (snapshot, volume, instance, image)."""
    from snaptui.aws.validation import check_id

    problems = check_id(value, kind)
    if problems:
        raise UsageError(problems[0])
    return value


def require_any_id(value: str, kinds: Sequence[str]) -> str:
    """The kind ``value`` is an id of, among ``kinds``; a usage error naming them otherwise."""
    from snaptui.aws.validation import check_id

    for kind in kinds:
        if not check_id(value, kind):
            return kind
    expected = " or ".join(
        f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} id ({_KIND_WORDS[kind]}-...)"
        for kind in kinds
    )
    raise UsageError(
        f"{value!r} is not {expected}: ids are the prefix and 8 or 17 hex digits, "
        "e.g. vol-0123456789abcdef0 (list them with 'snaptui ls')"
    )


_FLAGS = {"volume_type": "--type", "instance_type": "--type"}
"""Flags whose ``dest`` is not their name."""


def require_plain_text(args: argparse.Namespace) -> None:
    """No control characters in any text on the command line (``--description``, ``--reason``,
    ``--tag``, ``--name``...): it is echoed in the request's summary before the request is
    validated, where an escape code would drive the terminal and a line break forge output.

    A usage error naming the flag, before anything is read or sent. Call it after the id
    checks: their messages name a malformed id better.
    """
    from snaptui.aws.validation import check_text

    for dest, value in vars(args).items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                problems = check_text(item, _FLAGS.get(dest, "--" + dest.replace("_", "-")))
                if problems:
                    raise UsageError(problems[0])


def parse_tags(items: Sequence[str] | None) -> dict[str, str]:
    """``["team=web", "ticket=OPS-1"]`` -> a dict; a usage error for an item without ``=``."""
    tags: dict[str, str] = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--tag {item!r} is not KEY=VALUE: e.g. --tag ticket=OPS-1234")
        tags[key.strip()] = value
    return tags


def parse_timeout(text: str | None, *, flag: str = "--timeout") -> float | None:
    """Seconds, or None for "no limit"."""
    if text is None:
        return None
    from snaptui.aws.waiting import parse_duration

    try:
        return parse_duration(text)
    except ValueError as error:
        raise UsageError(f"{flag}: {error}") from None
