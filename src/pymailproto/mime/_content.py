"""The values of the MIME header fields that BODYSTRUCTURE reports.

Content-Type and its parameters (RFC 2045 §5.1, RFC 2231), Content-Transfer-Encoding (RFC 2045
§6.1), Content-Disposition (RFC 2183), Content-Language (RFC 3282). Parameters come out in the
form RFC 9051 §7.5.2 asks of a server, which is also what Dovecot sends: continuations
(``name*0``, ``name*1``) merged into one ``name``; a value with a charset (``name*``,
``name*0*``) merged into one ``name*`` whose value stays ``charset'language'%XX``-encoded.
:func:`decode_param` turns either into text.
"""

from __future__ import annotations

import itertools
import re
from typing import NamedTuple
from urllib.parse import unquote_to_bytes

from pymailproto.mime._lex import decode_text, skip_cfws, unfold, unquote

__all__ = ["Content", "Param", "decode_param", "parse_content", "parse_params"]

#: One parameter: (name, value), the octets of the message.
Param = tuple[bytes, bytes]

# RFC 2045 §5.1: token := 1*<any (US-ASCII) CHAR except SPACE, CTLs, or tspecials>. Octets above
# 127 pass, as in Dovecot: real mail has them.
_TOKEN = re.compile(rb'[^\x00-\x20\x7f()<>@,;:\\"/\[\]?=]+')
# RFC 5322 §3.2.3 atext (and 8-bit octets): a Content-Language tag.
_ATOM = re.compile(rb"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\x80-\xff]+")
_QUOTED = re.compile(rb'"((?:[^"\\]|\\.)*)"?', re.S)
# A value that should have been a token or a quoted string, up to the next ";", space, comment
# or quote: senders that leave tspecials unquoted (boundary=----=_Part_1) keep the value whole.
_LOOSE_VALUE = re.compile(rb'[^;\s("]*')
# RFC 2231 §3 and §4: name*N is section N; name*N* and name* carry charset'language'%XX.
_SECTION = re.compile(rb"\*(\d{1,9})(\*?)")

_US_ASCII: Param = (b"charset", b"us-ascii")


class Content(NamedTuple):
    """The MIME fields of one entity, defaults applied (see :func:`parse_content`)."""

    type: bytes
    subtype: bytes
    params: tuple[Param, ...]
    id: bytes | None
    description: bytes | None
    encoding: bytes
    md5: bytes | None
    disposition: bytes | None
    disposition_params: tuple[Param, ...]
    language: tuple[bytes, ...]
    location: bytes | None

    def boundary(self) -> bytes:
        """The multipart boundary parameter (empty when absent)."""
        for name, value in self.params:
            if name.lower() == b"boundary":
                return value
        return b""


def parse_content(fields: dict[bytes, bytes], default: tuple[bytes, bytes]) -> Content:
    """The MIME fields from the raw Content-* field bodies (lower-case names without
    ``content-``), with the defaults of RFC 2045 §5.2, §6.1 and RFC 2046 §4.1.2.

    A missing or syntactically invalid Content-Type gives ``default`` (text/plain, or
    message/rfc822 in a multipart/digest, RFC 2046 §5.1.5). A text/* type without a charset
    gets ``charset=us-ascii`` appended (RFC 2046 §4.1.2), as Dovecot reports it.
    """
    ctype = parse_content_type(fields[b"type"]) if b"type" in fields else None
    params: tuple[Param, ...] = ()
    if ctype is None:
        kind, subtype = default
    else:
        kind, subtype, params = ctype
    if kind == b"text" and not any(name.lower() == b"charset" for name, _ in params):
        params = (*params, _US_ASCII)
    disposition: tuple[bytes, tuple[Param, ...]] | None = None
    if b"disposition" in fields:
        disposition = _disposition(fields[b"disposition"])

    def text(name: bytes) -> bytes | None:
        value = fields.get(name)
        return None if value is None else unfold(value)

    return Content(
        type=kind,
        subtype=subtype,
        params=params,
        id=text(b"id"),
        description=text(b"description"),
        encoding=_encoding(fields.get(b"transfer-encoding")),
        md5=text(b"md5"),
        disposition=None if disposition is None else disposition[0],
        disposition_params=() if disposition is None else disposition[1],
        language=_language(fields[b"language"]) if b"language" in fields else (),
        location=text(b"location"),
    )


def parse_content_type(raw: bytes) -> tuple[bytes, bytes, tuple[Param, ...]] | None:
    """``type "/" subtype *(";" parameter)`` (RFC 2045 §5.1), types lower-cased; None when
    there is no valid type/subtype pair."""
    value = unfold(raw)
    pos = skip_cfws(value, 0)
    kind = _TOKEN.match(value, pos)
    if kind is None:
        return None
    pos = skip_cfws(value, kind.end())
    if not value.startswith(b"/", pos):
        return None
    subtype = _TOKEN.match(value, skip_cfws(value, pos + 1))
    if subtype is None:
        return None
    params = parse_params(value, skip_cfws(value, subtype.end()))
    return kind.group().lower(), subtype.group().lower(), params


def parse_params(value: bytes, pos: int) -> tuple[Param, ...]:
    """``*(";" attribute "=" value)`` from ``pos`` of an unfolded field body, RFC 2231 sections
    merged (see the module docstring). Garbage is skipped up to the next ``;``, as Dovecot
    does; quoted values are unquoted."""
    raw: list[Param] = []
    end = len(value)
    while pos < end:
        if value[pos] != 0x3B:  # not ";": skip the garbage up to the next parameter
            pos = value.find(b";", pos)
            if pos < 0:
                break
        pos = skip_cfws(value, pos + 1)
        name = _TOKEN.match(value, pos)
        if name is None:
            continue
        pos = skip_cfws(value, name.end())
        if not value.startswith(b"=", pos):
            continue
        pos = skip_cfws(value, pos + 1)
        quoted = _QUOTED.match(value, pos)
        if quoted is not None:
            text, pos = unquote(quoted.group(1)), quoted.end()
        else:
            loose = _LOOSE_VALUE.match(value, pos)
            assert loose is not None  # the pattern matches the empty string
            text, pos = loose.group(), loose.end()
        raw.append((name.group(), text))
        pos = skip_cfws(value, pos)
    return _merge_sections(raw)


class _Section(NamedTuple):
    key: bytes  # the lower-cased name, for grouping
    number: int
    name: bytes
    extended: bool
    value: bytes


def _merge_sections(raw: list[Param]) -> tuple[Param, ...]:
    """RFC 2231 §3-§4 sections merged as Dovecot merges them: plain parameters first in their
    order, then each merged name sorted by name; a name with missing sections is left as it
    came (``name*N``/``name*N*``); sections without a charset inside an extended value get their
    ``%`` escaped and a ``''`` prefix when they lead."""
    plain: list[Param] = []
    sections: list[_Section] = []
    for name, value in raw:
        star = name.find(b"*")
        if star < 0:
            plain.append((name, value))
            continue
        if star == len(name) - 1:
            sections.append(_Section(name[:star].lower(), 0, name[:star], True, value))
            continue
        match = _SECTION.fullmatch(name, star)
        if match is None:
            plain.append((name, value))
            continue
        number = int(match.group(1))
        sections.append(_Section(name[:star].lower(), number, name[:star], bool(match[2]), value))
    if not sections:
        return tuple(plain)
    sections.sort(key=lambda section: (section.key, section.number))
    for _, grouped in itertools.groupby(sections, key=lambda section: section.key):
        group = list(grouped)
        if any(section.number != i for i, section in enumerate(group)):
            for section in group:
                suffix = b"*%d*" if section.extended else b"*%d"
                plain.append((section.name + suffix % section.number, section.value))
            continue
        extended = any(section.extended for section in group)
        pieces = [b"''"] if extended and not group[0].extended else []
        for section in group:
            escape = extended and not section.extended
            pieces.append(section.value.replace(b"%", b"%25") if escape else section.value)
        plain.append((group[0].name + (b"*" if extended else b""), b"".join(pieces)))
    return tuple(plain)


def decode_param(name: bytes, value: bytes) -> tuple[str, str]:
    """A parameter as text: the name lower-cased without RFC 2231's ``*``; an extended value
    (``name*``) %XX-decoded in its charset (UTF-8 when it names none or an unknown one), other
    values as header text (UTF-8, RFC 2047 encoded-words decoded: senders put them in file
    names)."""
    text_name = name.decode("ascii", "replace").lower()
    if not text_name.endswith("*"):
        return text_name, decode_text(value)
    prefix = value.split(b"'", 2)
    charset, encoded = (prefix[0], prefix[2]) if len(prefix) == 3 else (b"", value)
    octets = unquote_to_bytes(encoded)
    try:
        text = octets.decode(charset.decode("ascii", "replace") or "utf-8", "replace")
    except LookupError:
        text = octets.decode("utf-8", "replace")
    return text_name[:-1], text


def _encoding(raw: bytes | None) -> bytes:
    """RFC 2045 §6.1: one token; 7bit when absent or not a single token (as in Dovecot)."""
    if raw is None:
        return b"7bit"
    value = unfold(raw)
    token = _TOKEN.match(value, skip_cfws(value, 0))
    if token is None or skip_cfws(value, token.end()) != len(value):
        return b"7bit"
    return token.group()


def _disposition(raw: bytes) -> tuple[bytes, tuple[Param, ...]] | None:
    """RFC 2183 §2: ``disposition-type *(";" disposition-parm)``."""
    value = unfold(raw)
    token = _TOKEN.match(value, skip_cfws(value, 0))
    if token is None:
        return None
    return token.group(), parse_params(value, skip_cfws(value, token.end()))


def _language(raw: bytes) -> tuple[bytes, ...]:
    """RFC 3282 §2: ``1#Language-tag``; reading stops at the first thing that is not one."""
    value = unfold(raw)
    tags: list[bytes] = []
    pos = skip_cfws(value, 0)
    while (tag := _ATOM.match(value, pos)) is not None:
        tags.append(tag.group())
        pos = skip_cfws(value, tag.end())
        if not value.startswith(b",", pos):
            break
        pos = skip_cfws(value, pos + 1)
    return tuple(tags)
