"""Bookkeeping for the class-level monkeypatches: what was replaced, and a loud failure if the
attribute a patch expects is gone (moto changed under us)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class ShimError(RuntimeError):
    """moto is not the version, or not the shape, that the demo shim was written for."""


@dataclass(frozen=True)
class Patch:
    owner: type
    name: str
    original: Any
    replacement: Any

    @property
    def active(self) -> bool:
        return self.owner.__dict__.get(self.name) is self.replacement


PATCHES: dict[tuple[type, str], Patch] = {}


def replace(owner: type, name: str, replacement: Any) -> None:
    """Replace ``owner.name`` (a class attribute moto defines) and remember the original."""
    if (owner, name) in PATCHES:
        return
    if name not in owner.__dict__:
        raise ShimError(
            f"moto changed: {owner.__module__}.{owner.__qualname__}.{name} no longer exists; "
            "update snaptui/demo/shim"
        )
    PATCHES[(owner, name)] = Patch(owner, name, owner.__dict__[name], replacement)
    setattr(owner, name, replacement)


def add(owner: type, name: str, value: Any) -> None:
    """Add an attribute moto does not define (recorded with ``original=None``)."""
    if (owner, name) in PATCHES:
        return
    if name in owner.__dict__:
        raise ShimError(
            f"moto changed: {owner.__module__}.{owner.__qualname__}.{name} now exists; "
            "review snaptui/demo/shim before overriding it"
        )
    PATCHES[(owner, name)] = Patch(owner, name, None, value)
    setattr(owner, name, value)
