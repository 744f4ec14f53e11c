"""What a server advertised, and what that implies: the set a client consults before each step.

IMAP4rev2 folds a dozen IMAP4rev1 extensions into the base protocol (RFC 9051 Appendix E,
item 2): a server that advertises ``IMAP4rev2`` supports NAMESPACE, UNSELECT, UIDPLUS, ESEARCH,
SEARCHRES, ENABLE, IDLE, SASL-IR, LIST-EXTENDED, LIST-STATUS, MOVE, LITERAL-, the FETCH side
of BINARY and the SPECIAL-USE attributes, whether or not it lists them. :meth:`has` answers
with that in mind; iteration gives exactly what was advertised.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pymailproto.imap._capability import Capability
from pymailproto.imap._values import LiteralSupport

__all__ = ["Capabilities"]

# RFC 9051 Appendix E, item 2 (BINARY: only its FETCH side, so not implied as a capability;
# SPECIAL-USE: only the list of attributes, not CREATE's USE).
_IMPLIED_BY_REV2 = frozenset(
    {
        "NAMESPACE",
        "UNSELECT",
        "UIDPLUS",
        "ESEARCH",
        "SEARCHRES",
        "ENABLE",
        "IDLE",
        "SASL-IR",
        "LIST-EXTENDED",
        "LIST-STATUS",
        "MOVE",
        "LITERAL-",
    }
)


class Capabilities:
    """An immutable set of advertised capabilities; ``"IDLE" in caps`` honours IMAP4rev2."""

    __slots__ = ("_advertised", "_keys")

    def __init__(self, capabilities: Iterable[Capability | str] = ()) -> None:
        advertised = tuple(c if isinstance(c, Capability) else Capability(c) for c in capabilities)
        self._advertised = advertised
        keys = {c.key for c in advertised}
        if "IMAP4REV2" in keys:
            keys |= _IMPLIED_BY_REV2
        self._keys = frozenset(keys)

    def has(self, name: Capability | str) -> bool:
        """Whether the server supports ``name`` (case-insensitive; IMAP4rev2 implications
        included)."""
        key = name.key if isinstance(name, Capability) else name.upper()
        return key in self._keys

    __contains__ = has

    def __iter__(self) -> Iterator[Capability]:
        return iter(self._advertised)

    def __len__(self) -> int:
        return len(self._advertised)

    def __bool__(self) -> bool:
        return bool(self._advertised)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Capabilities):
            return NotImplemented
        return {c.key for c in self._advertised} == {c.key for c in other._advertised}

    def __hash__(self) -> int:
        return hash(frozenset(c.key for c in self._advertised))

    def __repr__(self) -> str:
        return f"Capabilities({[str(c) for c in self._advertised]!r})"

    @property
    def rev2(self) -> bool:
        """The server speaks IMAP4rev2 (RFC 9051)."""
        return "IMAP4REV2" in self._keys

    @property
    def auth_mechanisms(self) -> tuple[str, ...]:
        """The SASL mechanisms advertised as ``AUTH=...``, upper case, in order."""
        return tuple(m.upper() for c in self._advertised if (m := c.auth_mechanism) is not None)

    @property
    def login_disabled(self) -> bool:
        """LOGINDISABLED: the LOGIN command must not be used now (RFC 9051 §6.2.3)."""
        return "LOGINDISABLED" in self._keys

    @property
    def literals(self) -> LiteralSupport:
        """The non-synchronizing literals the server accepts (RFC 7888; IMAP4rev2 includes
        LITERAL-, RFC 9051 §4.3)."""
        if "LITERAL+" in self._keys:
            return LiteralSupport.LITERAL_PLUS
        if "LITERAL-" in self._keys:
            return LiteralSupport.LITERAL_MINUS
        return LiteralSupport.SYNC_ONLY
