"""Names compared without regard to case and written as spelled: flags, attributes, capabilities.

RFC 9051 §9 note 1: the grammar's strings are case-insensitive, so ``\\seen`` is ``\\Seen`` and
``idle`` is ``IDLE``; what a peer wrote is still what goes back on the wire.
"""

from __future__ import annotations

from typing import Any, TypeVar

__all__ = ["FoldedName"]

_N = TypeVar("_N", bound="FoldedName")


class FoldedName:
    """Mixin for the frozen ``name``/``_key`` value classes: equality, hash, text, wire form.

    Subclasses are frozen slotted dataclasses with the fields ``name`` and ``_key`` (declared
    ``eq=False`` so these methods stand), validate ``name`` in their ``__init__`` and may
    choose how names fold (:meth:`_fold`). Values of different classes never compare equal,
    nor does a value and a plain ``str``.
    """

    __slots__ = ()
    name: str
    _key: str

    @staticmethod
    def _fold(name: str) -> str:
        return name.lower()

    def _set(self, name: str) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "_key", self._fold(name))

    @classmethod
    def _trusted(cls: type[_N], name: str) -> _N:
        """A value from a name the grammar already checked (the parser's fast path)."""
        value = object.__new__(cls)
        value._set(name)
        return value

    def __eq__(self, other: Any) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return bool(self._key == other._key)

    def __hash__(self) -> int:
        return hash(self._key)

    def __str__(self) -> str:
        return self.name

    def to_bytes(self) -> bytes:
        """The wire form, as spelled."""
        return self.name.encode("ascii")
