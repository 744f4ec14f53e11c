"""Header blocks (RFC 5322 §2.2): their fields, and the HEADER.FIELDS filter of RFC 9051
§6.4.5."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pymailproto.mime._lex import unfold
from pymailproto.mime._structure import Span

__all__ = ["content_fields", "header_fields", "header_items"]

# One field: a line and the folded lines after it (RFC 5322 §2.2.3: a line that begins with WSP
# continues the field before it). A leading folded line, with no field before it, is one too.
_FIELD = re.compile(rb"[^\n]*(?:\n|\Z)(?:[ \t][^\n]*(?:\n|\Z))*")
# The fields a MIME part description needs, found without looking at the others: a header can
# be megabytes long, and these are the fields BODYSTRUCTURE needs (RFC 2045 §4-§8, RFC 2183,
# RFC 3282, RFC 2557, RFC 1864).
_CONTENT_FIELD = re.compile(
    rb"^(content-(?:type|transfer-encoding|id|description|md5|disposition|language|location)"
    rb"|mime-version)[ \t]*:([^\n]*(?:\n[ \t][^\n]*)*)",
    re.I | re.M,
)
_WSP = b" \t"


def content_fields(data: bytes, start: int, end: int) -> dict[bytes, bytes]:
    """The raw bodies of the MIME fields in the header ``data[start:end]`` (which starts a
    line), keyed by lower-cased name without ``content-`` (``type``, ``transfer-encoding``,
    ...; ``mime-version`` keeps its name). The first of each wins, as in Dovecot."""
    found: dict[bytes, bytes] = {}
    for match in _CONTENT_FIELD.finditer(data, start, end):
        name = match.group(1).lower()
        found.setdefault(name[8:] if name.startswith(b"content-") else name, match.group(2))
    return found


def _fields_end(data: bytes, span: Span) -> int:
    """Where the blank line that ends the header ``span`` starts (``span.end`` if it has none:
    a header cut off by the end of the message or by a boundary)."""
    start, end = span.start, span.end
    if end <= start or data[end - 1] != 0x0A:
        return end
    if end - 1 == start or data[end - 2] == 0x0A:
        return end - 1
    if data[end - 2] == 0x0D and (end - 2 == start or data[end - 3] == 0x0A):
        return end - 2
    return end


def _iter_fields(data: bytes, span: Span) -> Iterable[bytes]:
    """Each field of the header ``span``, with its folded lines and line breaks."""
    for match in _FIELD.finditer(data, span.start, _fields_end(data, span)):
        field = match.group()
        if field:  # the pattern also matches the empty string at the end
            yield field


def _field_name(field: bytes) -> bytes:
    """The name of a field as written before the colon (the whole first line if it has none);
    empty for a folded line with no field before it."""
    if field[:1] in (b" ", b"\t"):
        return b""
    line = field.split(b"\n", 1)[0]
    colon = line.find(b":")
    return (line if colon < 0 else line[:colon]).rstrip(b" \t\r")


def header_items(data: bytes, span: Span) -> list[tuple[bytes, bytes]]:
    """The fields of the header ``span`` as ``(name, value)`` in order: names as written,
    values unfolded and stripped of outer whitespace, not decoded. Lines that are not fields
    (no colon) are left out."""
    items: list[tuple[bytes, bytes]] = []
    for field in _iter_fields(data, span):
        name, colon, value = field.partition(b":")
        if colon and b"\n" not in name and field[:1] not in (b" ", b"\t"):
            items.append((name.rstrip(b" \t"), unfold(value)))
    return items


def header_fields(
    data: bytes, span: Span, names: Iterable[bytes | str], not_: bool = False
) -> bytes:
    """BODY[HEADER.FIELDS (names)] of the header ``span`` -- or with ``not_``,
    HEADER.FIELDS.NOT -- byte-exact (RFC 9051 §6.4.5).

    The fields whose name matches one of ``names`` (ASCII case-insensitively; with ``not_``,
    the fields that match none), each with its folded lines and line breaks as sent, then the
    blank line that ends the header -- unless the header has none (a message with no body and
    no blank line).
    """
    wanted = {(name.encode("utf-8") if isinstance(name, str) else name).lower() for name in names}
    wanted.discard(b"")
    chosen = [
        field
        for field in _iter_fields(data, span)
        if (_field_name(field).lower() in wanted) != not_
    ]
    chosen.append(data[_fields_end(data, span) : span.end])
    return b"".join(chosen)
