"""Provides the k9s-style ``:`` command line: parsing (with k9s-like aliases) and completion.

``parse(":region eu-west-1")`` returns a command object or raises CommandError whose message
says what to type instead. ``complete`` gives whole command lines for a prefix, for a
Suggester and for tab completion. The leading ``:`` is optional everywhere.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from snaptui.ui.views import ViewKind

__all__ = [
    "Command",
    "CommandError",
    "Help",
    "Quit",
    "ShowView",
    "SwitchProfile",
    "SwitchRegion",
    "complete",
    "parse",
]


class CommandError(ValueError):
    """The command line cannot be run; the message says what to do instead."""


@dataclass(frozen=True)
class ShowView:
    kind: ViewKind


@dataclass(frozen=True)
class SwitchRegion:
    region: str


@dataclass(frozen=True)
class SwitchProfile:
    name: str


@dataclass(frozen=True)
class Quit:
    pass


@dataclass(frozen=True)
class Help:
    pass


Command = ShowView | SwitchRegion | SwitchProfile | Quit | Help

REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
"""``eu-west-1``, ``us-gov-west-1``, ``ap-southeast-2``: the same rule as ``--region``."""

HINT = ":instances, :volumes, :snapshots, :images, :region NAME, :profile NAME, :q"

# Canonical name first; completion offers the canonical name, else the shortest alias.
_ALIASES: dict[str, tuple[str, ...]] = {
    "instances": ("instances", "instance", "inst", "i", "ec2"),
    "volumes": ("volumes", "volume", "vols", "vol", "v", "ebs"),
    "snapshots": ("snapshots", "snapshot", "snaps", "snap", "s"),
    "images": ("images", "image", "img", "amis", "ami"),
    "region": ("region",),
    "profile": ("profile",),
    "help": ("help", "h", "?"),
    "quit": ("quit", "q", "q!", "exit"),
}
_TAKES_ARGUMENT = frozenset({"region", "profile"})
_VIEWS = {
    "instances": ViewKind.INSTANCES,
    "volumes": ViewKind.VOLUMES,
    "snapshots": ViewKind.SNAPSHOTS,
    "images": ViewKind.IMAGES,
}
_CANONICAL = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}


def _split(text: str) -> tuple[str, str]:
    """``":Region  eu-west-1 "`` -> ``("region", "eu-west-1")``."""
    body = text.strip().removeprefix(":").lstrip()
    word, _, rest = body.partition(" ")
    return word.casefold(), rest.strip()


def _unknown(word: str) -> CommandError:
    close = difflib.get_close_matches(word, list(_CANONICAL), n=1, cutoff=0.75)
    if close:
        return CommandError(f"unknown command ':{word}' — did you mean :{_CANONICAL[close[0]]}?")
    return CommandError(f"unknown command ':{word}' — try {HINT}")


def parse(text: str) -> Command:
    """Parse one command line (with or without the leading ``:``). Raises CommandError."""
    word, argument = _split(text)
    if not word:
        raise CommandError(f"type a command — try {HINT}")
    name = _CANONICAL.get(word)
    if name is None:
        raise _unknown(word)
    if name in _TAKES_ARGUMENT:
        return _parse_with_argument(name, argument)
    if argument:
        advice = " — press / to filter" if name in _VIEWS else ""
        raise CommandError(f":{word} takes no argument{advice}")
    if name in _VIEWS:
        return ShowView(_VIEWS[name])
    return Help() if name == "help" else Quit()


def _parse_with_argument(name: str, argument: str) -> Command:
    if name == "region":
        if not argument:
            raise CommandError(":region needs a name, e.g. :region eu-west-1")
        region = argument.casefold()
        if " " in region or not REGION_RE.match(region):
            raise CommandError(f"'{argument}' is not a region name, e.g. :region eu-west-1")
        return SwitchRegion(region)
    if not argument:
        raise CommandError(":profile needs a name, e.g. :profile prod")
    if " " in argument:
        raise CommandError(f"'{argument}' is not a profile name: profile names have no spaces")
    return SwitchProfile(argument)


def complete(text: str, regions: Sequence[str], profiles: Sequence[str]) -> list[str]:
    """Every full command line that *text* could be completed to, best first.

    ``"sn"`` -> ``["snapshots"]``; ``"reg"`` -> ``["region "]`` (ready for the name);
    ``"region eu"`` -> ``["region eu-west-1", ...]`` from *regions*. A leading ``:`` is kept.
    Matching is case-insensitive; an empty *text* lists every command.
    """
    colon = ":" if text.lstrip().startswith(":") else ""
    body = text.lstrip().removeprefix(":").lstrip()  # a trailing space means "now the name"
    word, space, _ = body.partition(" ")
    word = word.casefold()
    if not space:
        found = []
        for name, aliases in _ALIASES.items():
            matching = [a for a in aliases if a.startswith(word) and a[0].isalpha()]
            if not matching:
                continue
            best = name if name in matching else min(matching, key=len)
            found.append(best + (" " if name in _TAKES_ARGUMENT else ""))
        return [colon + f for f in found]
    name = _CANONICAL.get(word)
    if name not in _TAKES_ARGUMENT:
        return []
    _, argument = _split(body)
    choices = regions if name == "region" else profiles
    prefix = argument.casefold()
    return [f"{colon}{name} {c}" for c in choices if c.casefold().startswith(prefix)]
