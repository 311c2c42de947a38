"""Provides the live ``/`` filter: case-insensitive substrings over what identifies a resource.

Each item has a *haystack*: its name, id, state, description, tags (as ``key=value``, so a
word matches a key, a value or a pair) and the ids and devices that tie it to others. Every
word of the filter must occur in it. Fields are joined with a separator no word can contain,
so a word never matches across two fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from snaptui.aws.generations import Generation
from snaptui.aws.models import FrozenMap, Image, Instance, Snapshot, Volume
from snaptui.ui.rows import AttachedVolume, SnapshotRow, VolumeRow

__all__ = ["SearchCache", "compile_filter", "haystack", "matches"]

_SEP = "\x1f"


def _join(*fields: str | None, tags: FrozenMap | None = None) -> str:
    # One ``key=value`` string per tag: any word found in the key or the value is found in it.
    text = _SEP.join([f or "" for f in fields])
    if tags:
        text += _SEP + _SEP.join([f"{key}={tags[key]}" for key in tags])
    return text.casefold()


def _extend(base: str, *fields: str | None) -> str:
    """*base* (already casefolded) plus more fields; cheaper than re-joining everything."""
    extra = _SEP.join(f for f in fields if f)
    return f"{base}{_SEP}{extra.casefold()}" if extra else base


def _instance(i: Instance) -> str:
    return _join(
        i.name, i.id, i.state, i.instance_type, i.az, i.private_ip, i.image_id, tags=i.tags
    )


def _volume(v: Volume) -> str:
    attachments = _SEP.join(f"{a.instance_id}{_SEP}{a.device}" for a in v.attachments)
    return _join(
        v.name, v.id, v.state, v.volume_type, v.az, v.snapshot_id, attachments, tags=v.tags
    )


def _snapshot(s: Snapshot) -> str:
    return _join(s.name, s.id, s.volume_id, s.state, s.description, s.storage_tier, tags=s.tags)


def _image(i: Image) -> str:
    return _join(i.name, i.id, i.state, i.description, i.architecture, *i.snapshot_ids, tags=i.tags)


_MODELS = (Instance, Volume, Snapshot, Image)


class SearchCache:
    """Haystacks by id, reused for as long as the very same object is asked about.

    Models are frozen, so the same object means the same haystack; a refreshed model is a new
    object and gets a fresh one. Rows (which join context to a model) are memoised apart
    from models, and reuse their model's haystack.
    """

    __slots__ = ("_models", "_rows")

    def __init__(self) -> None:
        self._models: dict[str, tuple[object, str]] = {}
        self._rows: dict[str, tuple[object, str]] = {}

    def text(self, item: Any) -> str:
        memo = self._models if isinstance(item, _MODELS) else self._rows
        entry = memo.get(item.id)
        if entry is not None and entry[0] is item:
            return entry[1]
        text = _haystack(item, self)
        memo[item.id] = (item, text)
        return text

    def discard(self, ids: Iterable[str]) -> None:
        """Forget resources that are gone."""
        for resource_id in ids:
            self._models.pop(resource_id, None)
            self._rows.pop(resource_id, None)

    def clear(self) -> None:
        self._models.clear()
        self._rows.clear()


def _haystack(item: Any, cache: SearchCache | None) -> str:
    def base(model: Any) -> str:
        return cache.text(model) if cache is not None else _haystack(model, None)

    match item:
        case Snapshot():
            return _snapshot(item)
        case Volume():
            return _volume(item)
        case Instance():
            return _instance(item)
        case Image():
            return _image(item)
        case SnapshotRow():
            volume_name = item.volume.name if item.volume else ""
            marker = item.origin if item.origin in ("orphan", "copy") else None
            return _extend(base(item.snapshot), volume_name, marker)
        case VolumeRow():
            names = (f"{a.instance_name}{_SEP}{a.instance_id}" for a in item.attached)
            return _extend(base(item.volume), *names)
        case AttachedVolume():
            return _extend(base(item.volume), item.device, item.instance_id)
        case Generation():
            return _extend(base(item.snapshot), item.set_id)
    raise TypeError(f"cannot filter {type(item).__name__}")


def haystack(item: Any, cache: SearchCache | None = None) -> str:
    """The casefolded text the filter searches for *item* (any model or view row)."""
    return cache.text(item) if cache is not None else _haystack(item, None)


def compile_filter(text: str, cache: SearchCache | None = None) -> Callable[[Any], bool]:
    """A predicate for *text*; build it once per keystroke, not once per item.

    Pass the inventory's *cache* so haystacks are built once per object, not per keystroke.
    """
    words = text.casefold().split()
    if not words:
        return lambda item: True
    text_of = cache.text if cache is not None else lambda item: _haystack(item, None)
    if len(words) == 1:
        word = words[0]
        return lambda item: word in text_of(item)

    def predicate(item: Any) -> bool:
        hay = text_of(item)
        return all(word in hay for word in words)

    return predicate


def matches(item: Any, text: str) -> bool:
    """Whether every whitespace-separated word of *text* occurs in *item* (case-insensitive)."""
    return compile_filter(text)(item)
