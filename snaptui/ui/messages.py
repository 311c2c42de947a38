"""App-wide messages. Frequent ones coalesce (``can_replace``) so updates replace, not pile up."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from snaptui.ui.inventory import Kind


@dataclass
class InventoryChanged(Message):
    """A listing delivered a page, finished, or failed; views that read *kind* redraw."""

    kind: Kind

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, InventoryChanged) and message.kind == self.kind


@dataclass
class SnapshotsUpdated(Message):
    """A progress poll changed these snapshots; their rows update in place."""

    ids: frozenset[str]


@dataclass
class SessionChanged(Message):
    """Identity, region, profile, refresh time or polling state changed: redraw the header."""
