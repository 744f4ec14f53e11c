"""A bounded cache of parsed structures, for a mailstore that serves the same messages again
and again (FETCH BODYSTRUCTURE, then BODY[1], then BODY[2] ...)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from contextlib import suppress

from pymailproto.mime._parser import parse_message
from pymailproto.mime._structure import MessageStructure

__all__ = ["StructureCache"]


class StructureCache:
    """The structures of recently used messages, least recently used dropped first.

    ``cache.get(key, data)`` parses ``data`` the first time and returns the stored structure
    after that. ``key`` names the message and is the caller's choice -- anything hashable that
    changes when the bytes do, e.g. ``(mailbox id, UIDVALIDITY, UID)``; a stored structure whose
    size differs from ``data`` is parsed again, which catches most mix-ups.

    The cache holds no lock (the foundation layer takes none); sharing one between threads is
    safe in CPython in the sense that it never corrupts itself nor raises: at worst a message
    is parsed twice.
    """

    def __init__(self, maxsize: int = 1024, *, max_depth: int = 100, max_parts: int = 10_000):
        if maxsize < 1:
            raise ValueError(f"maxsize must be at least 1, not {maxsize!r}")
        self.maxsize = maxsize
        self.max_depth = max_depth
        self.max_parts = max_parts
        # Least recently used first. Each OrderedDict method below is one C call, so threads
        # sharing the cache cannot interleave inside one.
        self._entries: OrderedDict[Hashable, MessageStructure] = OrderedDict()

    def get(self, key: Hashable, data: bytes) -> MessageStructure:
        """The structure of ``data``, parsed now or earlier under ``key``."""
        structure = self._entries.pop(key, None)
        if structure is None or structure.size != len(data):
            structure = parse_message(data, max_depth=self.max_depth, max_parts=self.max_parts)
        self._entries[key] = structure
        while len(self._entries) > self.maxsize:
            with suppress(KeyError):  # another thread emptied it meanwhile
                self._entries.popitem(last=False)
        return structure

    def discard(self, key: Hashable) -> None:
        """Forget the structure stored under ``key`` (an expunged message), if any."""
        self._entries.pop(key, None)

    def clear(self) -> None:
        """Forget every structure."""
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries
