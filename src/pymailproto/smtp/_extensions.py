"""Service extensions: what a server advertises in its EHLO reply, parsed and built.

RFC 5321 §4.1.1.1::

    ehlo-ok-rsp    = ( "250" SP Domain [ SP ehlo-greet ] CRLF )
                   / ( "250-" Domain [ SP ehlo-greet ] CRLF
                       *( "250-" ehlo-line CRLF )
                       "250" SP ehlo-line CRLF )
    ehlo-line      = ehlo-keyword *( SP ehlo-param )
    ehlo-keyword   = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType

from pymailproto.smtp._params import Body
from pymailproto.smtp._reply import Reply

__all__ = ["BODY_EXTENSION", "KNOWN_EXTENSIONS", "PARAM_EXTENSION", "Extensions"]

_KEYWORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*\Z")

#: The extensions this library implements on both sides, with their RFCs.
KNOWN_EXTENSIONS: Mapping[str, str] = MappingProxyType(
    {
        "SIZE": "RFC 1870",
        "PIPELINING": "RFC 2920",
        "8BITMIME": "RFC 6152",
        "SMTPUTF8": "RFC 6531",
        "ENHANCEDSTATUSCODES": "RFC 2034",
        "STARTTLS": "RFC 3207",
        "AUTH": "RFC 4954",
        "CHUNKING": "RFC 3030",
        "BINARYMIME": "RFC 3030",
        "DSN": "RFC 3461",
    }
)


#: The extension each MAIL/RCPT parameter belongs to (RFC 1870, 6531, 4954 §5, 3461 §4).
PARAM_EXTENSION: Mapping[str, str] = MappingProxyType(
    {
        "SIZE": "SIZE",
        "SMTPUTF8": "SMTPUTF8",
        "AUTH": "AUTH",
        "RET": "DSN",
        "ENVID": "DSN",
        "NOTIFY": "DSN",
        "ORCPT": "DSN",
    }
)
#: The extension each BODY= value needs (RFC 6152 §3: BODY itself comes with 8BITMIME;
#: RFC 3030 §3: BINARYMIME).
BODY_EXTENSION: Mapping[Body, str] = MappingProxyType(
    {
        Body.SEVENBIT: "8BITMIME",
        Body.EIGHTBITMIME: "8BITMIME",
        Body.BINARYMIME: "BINARYMIME",
    }
)


class Extensions(Mapping[str, tuple[str, ...]]):
    """An immutable, case-insensitive map from extension keyword to its parameters.

    ``"PIPELINING" in ext``, ``ext["AUTH"] == ("PLAIN", "LOGIN")``, ``ext.max_size``.
    """

    __slots__ = ("_items",)

    def __init__(self, items: Iterable[tuple[str, Iterable[str]]] = ()) -> None:
        table: dict[str, tuple[str, ...]] = {}
        for keyword, params in items:
            if not _KEYWORD.match(keyword):
                raise ValueError(f"invalid EHLO keyword {keyword!r}")
            values = tuple(params)
            for value in values:
                if not value or any(c in value for c in " \r\n\x00"):
                    raise ValueError(f"invalid EHLO parameter {value!r}")
            table[keyword.upper()] = values
        self._items = table

    @classmethod
    def from_reply(cls, reply: Reply) -> Extensions:
        """Parse the extension lines of a positive EHLO/LHLO reply (the first line is skipped).

        Lines that are not valid ``ehlo-line`` syntax are ignored, as real servers send
        free text there; the obsolete ``AUTH=PLAIN LOGIN`` form is understood as AUTH.
        """
        items: dict[str, list[str]] = {}
        for line in reply.text_lines[1:]:
            words = line.split()
            if not words:
                continue
            keyword, params = words[0], words[1:]
            if keyword.upper().startswith("AUTH="):
                keyword, params = "AUTH", [keyword[5:], *params]
            if not _KEYWORD.match(keyword):
                continue
            params = [p for p in params if p]
            if keyword.upper() == "AUTH" and "AUTH" in items:
                # Servers often list both "AUTH GSSAPI LOGIN" and the legacy "AUTH=LOGIN":
                # each is an offer, so merge them (as smtplib does) rather than keep the last.
                known = items["AUTH"]
                params = known + [p for p in params if p.upper() not in map(str.upper, known)]
            items[keyword.upper()] = params
        return cls(items.items())

    def to_lines(self) -> list[str]:
        """The ``ehlo-line`` strings, one per extension."""
        return [" ".join((k, *v)) for k, v in self._items.items()]

    def __getitem__(self, keyword: str) -> tuple[str, ...]:
        return self._items[keyword.upper()]

    def __contains__(self, keyword: object) -> bool:
        # Keywords are stored upper-case and usually asked for that way: try that first.
        return keyword in self._items or (
            isinstance(keyword, str) and keyword.upper() in self._items
        )

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Extensions({self.to_lines()!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Extensions):
            return self._items == other._items
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self._items.items()))

    @property
    def max_size(self) -> int | None:
        """The SIZE limit in octets; ``None`` if SIZE is absent or 0 (no limit, RFC 1870 §4)."""
        params = self._items.get("SIZE")
        # RFC 1870 §4: size-param ::= [1*DIGIT] -- ASCII digits (str.isdigit() also takes "²").
        if not params or not (params[0].isascii() and params[0].isdigit()):
            return None
        return int(params[0]) or None

    @property
    def auth_mechanisms(self) -> tuple[str, ...]:
        """The SASL mechanisms offered with AUTH, upper-cased."""
        return tuple(m.upper() for m in self._items.get("AUTH", ()))
