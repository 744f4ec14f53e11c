"""Reading BODY and BODYSTRUCTURE: the ``body`` rule of RFC 9051 §9 (quoted in full in
:mod:`pymailproto.imap._body`), :func:`read_body`.

Nesting: every parenthesis goes through the reader's depth limit (``Reader.open_list``), and the
recursion over nested bodies is bounded by :data:`~pymailproto.imap._body.MAX_BODY_NESTING`,
so a hostile 10,000-deep multipart is a clean :class:`~pymailproto.imap.IMAPParseError`.

Speed: the common shapes -- body-fields made of plain quoted strings, NIL and numbers; the
usual extension data -- are matched by one precompiled pattern each, and the parameter lists
and extension data that recur in every message of a FETCH response are remembered by their
bytes (bounded caches). The patterns match quoted strings loosely (up to the next DQUOTE) and
the whole body's bytes are then checked once for what that would misread (a backslash, CR, LF,
NUL, an 8-bit octet); a body that fails the check is read again with every match checked.
Values are built through builder twins of the body classes (see "trusted construction").
Anything else (literals, escapes, UTF-8, lower-case nil, extension values beyond the location,
the leniencies below) takes the general path through the reader's terminals, which accepts
every input the fast path does, with the same result.

Leniencies
----------

Real servers send structures the grammar does not allow. Each tolerance below only applies
where the strict grammar would fail, so none changes how a valid structure reads; all are
always on (reading only -- the writer emits the grammar's form), and each is tied to a field
report (one, marked, comes from the issue's list without a public report):

``SP between body parts``
    ``(body1) (body2) "MIXED"`` instead of ``1*body`` back to back: Stalwart and Exchange
    (duesee/imap-codec#697, apple/swift-nio-imap#265). One SP is accepted; output has none.
``multipart with zero parts``
    Gmail sends ``("ALTERNATIVE")`` -- a list holding only the subtype -- for an empty
    multipart (jstedfast/MailKit#1841); a ``body-ext-mpart`` may follow the subtype. It reads
    as a :class:`~pymailproto.imap._body.MultipartBody` with ``parts == ()``, which the writer
    renders with the single empty text/plain part Dovecot uses in the same situation.
``NIL body-fld-enc``
    ``("TEXT" "PLAIN" ("CHARSET" "GB2312") NIL NIL NIL 0 0 ...)`` (dinhvh/libetpan#217,
    apple/swift-nio-imap#684; imap-codec has it as ``quirk_body_fld_enc_nil_to_empty``):
    read as ``7BIT``, the default RFC 9051 §9 gives for a part without the header field.
``NIL parameter value``
    ``("boundary" NIL)`` in body-fld-param (Mail.ru, duesee/imap-codec#700): read as ``""``.
``missing body-fld-lines`` (from the issue's list; no public report found)
    A TEXT or MESSAGE/RFC822 part that ends, or goes on to its extension data, right after
    body-fld-octets (or after the encapsulated body): the line count reads as 0. Unambiguous,
    since the next field (body-fld-md5) is an nstring and never a number.
``string in body-fld-dsp``
    Exchange 2016 sends a description string where the disposition belongs
    (``... ("boundary" "...") "S/MIME Encrypted Message" NIL``, javaee/javamail#278); the
    string is dropped and the disposition reads as NIL.
``types in any case, in any string form``
    ``"text" "plain"`` is grammatical already (ABNF strings are case-insensitive, RFC 5234
    §2.3), but ``media-text`` and ``media-message`` are written DQUOTEd in the grammar; a
    TEXT or MESSAGE/RFC822 type sent as a literal is classified by its value all the same.
``SP between addresses`` (in the envelope of a MESSAGE/RFC822 part, and in ENVELOPE)
    Implemented and described in :mod:`pymailproto.imap._envelope`; listed here so that
    this is the one index of the structure parsers' leniencies.

An unknown body-fld-enc (``"X-UUENCODE"``) needs no leniency: the rule ends in ``/ string``.
"""

from __future__ import annotations

import re
from typing import Any

from pymailproto.imap._body import (
    MAX_BODY_NESTING,
    BasicBody,
    BodyStructure,
    Disposition,
    Extension,
    MessageBody,
    MultipartBody,
    Param,
    TextBody,
)
from pymailproto.imap._envelope import Envelope, _plain, read_envelope, trusted_builder
from pymailproto.imap._errors import IMAPParseError
from pymailproto.imap._lexer import MAX_NUMBER, BodyExtension, Reader

__all__ = ["read_body"]

#: The fast paths can be switched off to test that the general path gives the same values.
_FAST = True
# How a body is read: the reader's terminals alone (_GENERAL); the fast patterns too, each match
# checked to be plain (_CHECKED); the fast patterns with the check left to read_body, which
# checks the whole span once (_UNCHECKED). See the patterns below.
_GENERAL = 0
_CHECKED = 1
_UNCHECKED = 2

# --- the fast paths' patterns -------------------------------------------------------------------

# Quoted strings are matched as "[^"]*" -- content up to the next DQUOTE, which Python's regular
# expressions scan several times faster than a character class -- and what they matched is
# checked for a backslash, CR, LF, NUL or 8-bit octet (as in _envelope.py): in a span without
# those, "[^"]*" is exactly a quoted string that needs no unescaping and no UTF-8 check. The
# check is made once for the whole body (see read_body), or, when that fails, for each match.
_SN = rb'"[^"]*"'
_S = rb'"([^"]*)"'
# nstring captured without DQUOTEs; the group is None for NIL.
_NS = rb'(?:"([^"]*)"|NIL)'
_NS_SPAN = rb"(?:NIL|" + _SN + rb")"
_PARAMS = rb"(?:NIL|\(" + _SN + b" " + _SN + rb"(?: " + _SN + b" " + _SN + rb")*\))"
_DSP = rb"(?:NIL|\(" + _SN + b" " + _PARAMS + rb"\))"
_LANG = rb"(?:NIL|" + _SN + rb"|\(" + _SN + rb"(?: " + _SN + rb")*\))"
# "(" type SP subtype SP body-fld-param SP id SP desc SP enc SP octets [SP lines], the numbers
# ending there. Only a TEXT part has a number after its octets (a basic part goes on with an
# nstring, a message part with its envelope), so the lines are captured here for it.
_FIELDS = re.compile(
    rb"\("
    + _S
    + b" "
    + _S
    + b" ("
    + _PARAMS
    + b") "
    + _NS
    + b" "
    + _NS
    + b" "
    + _S
    + rb" ([0-9]{1,10})(?: ([0-9]{1,18}))?(?=[ )])"
)
# SP (md5 / body-fld-param) [SP dsp [SP lang [SP loc]]] ")" -- the body's closing parenthesis.
_TAIL = rb"(?: (" + _DSP + rb")(?: (" + _LANG + rb")(?: (" + _NS_SPAN + rb"))?)?)?"
_EXT_1PART = re.compile(rb" (" + _NS_SPAN + rb")" + _TAIL + rb"\)")
_EXT_MPART = re.compile(rb" (" + _PARAMS + rb")" + _TAIL + rb"\)")
# A whole TEXT or basic part in one match: the fields, the lines, the extension data (groups
# 9-13: all of it, then md5, dsp, lang, loc) and the closing parenthesis.
_LEAF = re.compile(
    rb"\("
    + _S
    + b" "
    + _S
    + b" ("
    + _PARAMS
    + b") "
    + _NS
    + b" "
    + _NS
    + b" "
    + _S
    + rb" ([0-9]{1,10})(?: ([0-9]{1,18}))?((?: ("
    + _NS_SPAN
    + rb")"
    + _TAIL
    + rb")?)\)"
)
# What follows a multipart's parts: SP subtype, the extension data (groups 2-6: all of it,
# then params, dsp, lang, loc) and the closing parenthesis.
_MPART_TAIL = re.compile(rb" " + _S + rb"((?: (" + _PARAMS + rb")" + _TAIL + rb")?)\)")
_PARAMS_RE = re.compile(_PARAMS)
# The contents of the strings of a span the patterns above accepted (so: no escapes).
_STRINGS = re.compile(_S)

# Parameter lists and extension data recur from message to message; remember them by their
# bytes. Bounded: emptied when full, so a peer cannot grow them without limit.
_CACHE_MAX = 1024
_PARAMS_CACHE: dict[bytes, tuple[Param, ...]] = {b"NIL": ()}
_EXT_CACHE: dict[bytes, Extension] = {}
_EXT_MPART_CACHE: dict[bytes, Extension] = {}

_TEXT = 1
_MESSAGE = 2
_KINDS = {
    b"TEXT": _TEXT,
    b"text": _TEXT,
    b"Text": _TEXT,
    b"MESSAGE": _MESSAGE,
    b"message": _MESSAGE,
    b"Message": _MESSAGE,
}
_MESSAGE_SUBTYPES = (b"RFC822", b"GLOBAL")
_SEVEN_BIT = b"7BIT"

# --- trusted construction -----------------------------------------------------------------------

# Values built from fields already checked, through builder twins (see trusted_builder).
_BasicBuilder = trusted_builder(BasicBody)
_TextBuilder = trusted_builder(TextBody)
_MessageBuilder = trusted_builder(MessageBody)
_MultipartBuilder = trusted_builder(MultipartBody)
_ExtensionBuilder = trusted_builder(Extension)
_DispositionBuilder = trusted_builder(Disposition)


def _multipart(
    parts: tuple[BodyStructure, ...], subtype: bytes, extension: Extension | None
) -> MultipartBody:
    return _MultipartBuilder(parts, subtype, extension)


# --- span decoding (fast path) ----------------------------------------------------------------


def _remember(cache: dict[bytes, Any], key: bytes, value: object) -> None:
    """Store in one of the bounded caches, emptying it first when full."""
    if len(cache) >= _CACHE_MAX:
        cache.clear()
    cache[key] = value


def _params_span(span: bytes) -> tuple[Param, ...]:
    """The pairs of a body-fld-param span that :data:`_PARAMS` accepted."""
    params = _PARAMS_CACHE.get(span)
    if params is None:
        # ("a" "b" "c" "d"): strings without DQUOTEs inside, so they are the pieces between
        # the '" "' separators.
        strings = span[2:-2].split(b'" "')
        params = tuple(zip(strings[::2], strings[1::2], strict=True))
        if len(_PARAMS_CACHE) >= _CACHE_MAX:
            _PARAMS_CACHE.clear()
            _PARAMS_CACHE[b"NIL"] = ()
        _PARAMS_CACHE[span] = params
    return params


def _extension_span(
    first: bytes, dsp: bytes | None, lang: bytes | None, loc: bytes | None, multipart: bool
) -> Extension:
    """Extension data from the spans the fast patterns captured: md5 (or body-fld-param for
    a multipart), then dsp, lang and loc when present."""
    md5: bytes | None = None
    params: tuple[Param, ...] = ()
    if multipart:
        params = _params_span(first)
    elif first != b"NIL":
        md5 = first[1:-1]
    fields = 1
    disposition: Disposition | None = None
    language: tuple[bytes, ...] = ()
    location: bytes | None = None
    if dsp is not None:
        fields = 2
        if dsp != b"NIL":
            strings = _STRINGS.findall(dsp)
            disposition = _DispositionBuilder(
                strings[0], tuple(zip(strings[1::2], strings[2::2], strict=True))
            )
        if lang is not None:
            fields = 3
            if lang != b"NIL":
                language = tuple(_STRINGS.findall(lang))
            if loc is not None:
                fields = 4
                if loc != b"NIL":
                    location = loc[1:-1]
    return _ExtensionBuilder(md5, params, disposition, language, location, (), fields)


# --- the general path -----------------------------------------------------------------------------


def _read_params(reader: Reader, fast: int) -> tuple[Param, ...]:
    """``body-fld-param = "(" string SP string *(SP string SP string) ")" / nil``.

    Leniency: a NIL value reads as ``""`` (see the module docstring).
    """
    octet = reader.peek()
    if octet == 0x28:
        if fast and reader.depth < reader.max_depth:
            m = _PARAMS_RE.match(reader.buf, reader.pos)
            if m is not None and (fast == _UNCHECKED or _plain(m.group())):
                reader.pos = m.end()
                return _params_span(m.group())
        reader.open_list()
        pairs = []
        while True:
            name = reader.read_string()
            reader.expect_sp()
            if reader.peek() in (0x22, 0x7B):
                value = reader.read_string()
            elif reader.skip_nil():  # leniency: ("boundary" NIL)
                value = b""
            else:
                raise reader.error("string")
            pairs.append((name, value))
            if not reader.skip_sp():
                break
        reader.close_list()
        return tuple(pairs)
    if reader.skip_nil():
        return ()
    raise reader.error("body-fld-param")


def _read_encoding(reader: Reader) -> bytes:
    """``body-fld-enc = (DQUOTE (...) DQUOTE) / string``; leniency: NIL reads as 7BIT."""
    if reader.peek() in (0x22, 0x7B):
        return reader.read_string()
    if reader.skip_nil():
        return _SEVEN_BIT
    raise reader.error("body-fld-enc")


def _read_disposition(reader: Reader, fast: int) -> Disposition | None:
    """``body-fld-dsp = "(" string SP body-fld-param ")" / nil``; leniency: a string is
    dropped (NIL)."""
    octet = reader.peek()
    if octet == 0x28:
        reader.open_list()
        kind = reader.read_string()
        reader.expect_sp()
        params = _read_params(reader, fast)
        reader.close_list()
        return _DispositionBuilder(kind, params)
    if octet in (0x22, 0x7B):
        reader.read_string()
        return None
    if reader.skip_nil():
        return None
    raise reader.error("body-fld-dsp")


def _read_language(reader: Reader) -> tuple[bytes, ...]:
    """``body-fld-lang = nstring / "(" string *(SP string) ")"``; NIL gives ``()``."""
    if reader.peek() == 0x28:
        start = reader.pos
        tags = reader.read_list(Reader.read_string)
        if not tags:
            raise reader.error("string", start + 1)
        return tuple(tags)
    tag = reader.read_nstring()
    return () if tag is None else (tag,)


def _read_extension(reader: Reader, multipart: bool, fast: int) -> Extension:
    """``body-ext-1part`` / ``body-ext-mpart``, from its first field."""
    md5: bytes | None = None
    params: tuple[Param, ...] = ()
    if multipart:
        params = _read_params(reader, fast)
    else:
        md5 = reader.read_nstring()
    fields = 1
    disposition: Disposition | None = None
    language: tuple[bytes, ...] = ()
    location: bytes | None = None
    extensions: list[BodyExtension] = []
    if reader.skip_sp():
        fields = 2
        disposition = _read_disposition(reader, fast)
        if reader.skip_sp():
            fields = 3
            language = _read_language(reader)
            if reader.skip_sp():
                fields = 4
                location = reader.read_nstring()
                while reader.skip_sp():
                    extensions.append(reader.read_body_extension())
    return _ExtensionBuilder(
        md5, params, disposition, language, location, tuple(extensions), fields
    )


def _read_tail(reader: Reader, keep: bool, multipart: bool, fast: int) -> Extension | None:
    """``[SP body-ext-1part / body-ext-mpart] ")"``: extension data and the closing
    parenthesis; the extension data is read either way but kept only with ``keep``."""
    buf = reader.buf
    pos = reader.pos
    octet = buf[pos] if pos < reader.end else -1
    if octet == 0x29:
        reader.close_list()
        return None
    if octet != 0x20:
        raise reader.error('SP or ")"')
    if fast and reader.depth + 2 <= reader.max_depth:
        m = (_EXT_MPART if multipart else _EXT_1PART).match(buf, pos)
        if m is not None and (fast == _UNCHECKED or _plain(m.group())):
            span = m.group()
            cache = _EXT_MPART_CACHE if multipart else _EXT_CACHE
            extension = cache.get(span)
            if extension is None:
                first, dsp, lang, loc = m.groups()
                extension = _extension_span(first, dsp, lang, loc, multipart)
                _remember(cache, span, extension)
            reader.pos = m.end() - 1
            reader.close_list()
            return extension if keep else None
    reader.pos = pos + 1
    extension = _read_extension(reader, multipart, fast)
    reader.close_list()
    return extension if keep else None


def _read_lines(reader: Reader) -> int:
    """``SP body-fld-lines``; leniency: missing, it reads as 0."""
    buf = reader.buf
    pos = reader.pos
    if pos + 1 < reader.end and buf[pos] == 0x20 and 0x30 <= buf[pos + 1] <= 0x39:
        reader.pos = pos + 1
        return reader.read_number64()
    return 0


def _read_multipart(reader: Reader, keep: bool, level: int, fast: int) -> MultipartBody:
    """``"(" body-type-mpart ")"`` = ``"(" 1*body SP media-subtype [SP body-ext-mpart] ")"``."""
    reader.open_list()
    buf = reader.buf
    # Leaves are read here directly when the fast pattern takes them (most parts are leaves).
    leaves = fast and reader.depth + 3 <= reader.max_depth and level < MAX_BODY_NESTING
    parts: list[BodyStructure] = []
    pos = reader.pos
    while True:
        leaf = None
        if leaves:
            m = _LEAF.match(buf, pos)
            if m is not None and (fast == _UNCHECKED or _plain(m.group())):
                leaf = _leaf(m, keep)
                if leaf is not None:
                    reader.pos = pos = m.end()
                    parts.append(leaf)
        if leaf is None:
            parts.append(_read_body(reader, keep, level + 1, fast))
            pos = reader.pos
        if pos < reader.end and buf[pos] == 0x28:
            continue
        if buf.startswith(b" (", pos):  # leniency: SP between body parts
            reader.pos = pos = pos + 1
            continue
        break
    if fast and reader.depth + 2 <= reader.max_depth:
        m = _MPART_TAIL.match(buf, pos)
        if m is not None and (fast == _UNCHECKED or _plain(m.group())):
            subtype, span, params, dsp, lang, loc = m.groups()
            extension = None
            if keep and span:
                extension = _EXT_MPART_CACHE.get(span)
                if extension is None:
                    extension = _extension_span(params, dsp, lang, loc, True)
                    _remember(_EXT_MPART_CACHE, span, extension)
            reader.pos = m.end() - 1
            reader.close_list()
            return _MultipartBuilder(tuple(parts), subtype, extension)
    return _finish_multipart(reader, keep, parts, fast)


def _finish_multipart(
    reader: Reader, keep: bool, parts: list[BodyStructure], fast: int
) -> MultipartBody:
    """``SP media-subtype [SP body-ext-mpart] ")"`` by the general path."""
    reader.expect_sp()
    subtype = reader.read_string()
    return _multipart(tuple(parts), subtype, _read_tail(reader, keep, True, fast))


def _read_single(reader: Reader, keep: bool, level: int, fast: int) -> BodyStructure:
    """``"(" body-type-1part ")"`` by the general path (and the zero-part multipart)."""
    reader.open_list()
    kind = reader.read_string()
    octet = reader.peek()
    if octet == 0x29:  # leniency: Gmail's ("ALTERNATIVE"), a multipart without parts
        reader.close_list()
        return _multipart((), kind, None)
    reader.expect_sp()
    if reader.peek() == 0x28:  # ... and with its body-ext-mpart
        reader.pos -= 1
        return _multipart((), kind, _read_tail(reader, keep, True, fast))
    subtype = reader.read_string()
    reader.expect_sp()
    params = _read_params(reader, fast)
    reader.expect_sp()
    body_id = reader.read_nstring()
    reader.expect_sp()
    description = reader.read_nstring()
    reader.expect_sp()
    encoding = _read_encoding(reader)
    reader.expect_sp()
    octets = reader.read_number()
    return _finish_single(
        reader, keep, level, fast, kind, subtype, params, body_id, description, encoding, octets
    )


def _finish_single(  # noqa: PLR0917 (positional: the hot path)
    reader: Reader,
    keep: bool,
    level: int,
    fast: int,
    kind: bytes,
    subtype: bytes,
    params: tuple[Param, ...],
    body_id: bytes | None,
    description: bytes | None,
    encoding: bytes,
    octets: int,
) -> BodyStructure:
    """The type-specific fields, the extension data and the ")" of a single part."""
    category = _KINDS.get(kind)
    if category is None:
        upper = kind.upper()
        category = _TEXT if upper == b"TEXT" else _MESSAGE if upper == b"MESSAGE" else 0
    if category == _TEXT:
        lines = _read_lines(reader)
        return _TextBuilder(
            kind,
            subtype,
            params,
            body_id,
            description,
            encoding,
            octets,
            lines,
            _read_tail(reader, keep, False, fast),
        )
    if category == _MESSAGE and subtype.upper() in _MESSAGE_SUBTYPES:
        reader.expect_sp()
        envelope: Envelope = read_envelope(reader)
        reader.expect_sp()
        body = _read_body(reader, keep, level + 1, fast)
        lines = _read_lines(reader)
        return _MessageBuilder(
            kind,
            subtype,
            params,
            body_id,
            description,
            encoding,
            octets,
            envelope,
            body,
            lines,
            _read_tail(reader, keep, False, fast),
        )
    return _BasicBuilder(
        kind,
        subtype,
        params,
        body_id,
        description,
        encoding,
        octets,
        _read_tail(reader, keep, False, fast),
    )


def _leaf(m: re.Match[bytes], keep: bool) -> BodyStructure | None:
    """The TEXT or basic part a match of :data:`_LEAF` holds; None when the match cannot be
    used as it is (the general path then reads the part, and says what is wrong)."""
    (kind, subtype, params, body_id, description, encoding, octets, lines, span, first, dsp,
     lang, loc) = m.groups()  # fmt: skip
    size = int(octets)
    category = _KINDS.get(kind)
    if category is None:
        upper = kind.upper()
        category = _TEXT if upper == b"TEXT" else _MESSAGE if upper == b"MESSAGE" else 0
    if size > MAX_NUMBER or (lines is not None and category != _TEXT):
        return None
    if category == _MESSAGE and subtype.upper() in _MESSAGE_SUBTYPES:
        return None  # a message part needs its envelope: not a leaf
    extension = None
    if keep and span:
        extension = _EXT_CACHE.get(span)
        if extension is None:
            extension = _extension_span(first, dsp, lang, loc, False)
            _remember(_EXT_CACHE, span, extension)
    param_list = _PARAMS_CACHE.get(params)
    if param_list is None:
        param_list = _params_span(params)
    if category == _TEXT:
        return _TextBuilder(
            kind,
            subtype,
            param_list,
            body_id,
            description,
            encoding,
            size,
            0 if lines is None else int(lines),  # leniency: missing lines
            extension,
        )
    return _BasicBuilder(kind, subtype, param_list, body_id, description, encoding, size, extension)


def _read_body(reader: Reader, keep: bool, level: int, fast: int) -> BodyStructure:
    if level > MAX_BODY_NESTING:
        raise reader.fail(f"body structures nested deeper than {MAX_BODY_NESTING}")
    buf = reader.buf
    pos = reader.pos
    if buf.startswith(b"((", pos):
        return _read_multipart(reader, keep, level, fast)
    if fast and reader.depth + 3 <= reader.max_depth:
        m = _LEAF.match(buf, pos)
        if m is not None and (fast == _UNCHECKED or _plain(m.group())):
            leaf = _leaf(m, keep)
            if leaf is not None:
                reader.pos = m.end()
                return leaf
        m = _FIELDS.match(buf, pos)
        if m is not None and (fast == _UNCHECKED or _plain(m.group())):
            kind, subtype, params, body_id, description, encoding, octets, lines = m.groups()
            size = int(octets)
            if lines is None:
                if size <= MAX_NUMBER:
                    reader.depth += 1  # the body's "(", which the pattern consumed
                    reader.pos = m.end()
                    return _finish_single(
                        reader,
                        keep,
                        level,
                        fast,
                        kind,
                        subtype,
                        _params_span(params),
                        body_id,
                        description,
                        encoding,
                        size,
                    )
            elif size <= MAX_NUMBER and _KINDS.get(kind) == _TEXT:
                reader.depth += 1
                reader.pos = m.end()
                return _TextBuilder(
                    kind,
                    subtype,
                    _params_span(params),
                    body_id,
                    description,
                    encoding,
                    size,
                    int(lines),
                    _read_tail(reader, keep, False, fast),
                )
    return _read_single(reader, keep, level, fast)


def read_body(reader: Reader, *, extensible: bool = True) -> BodyStructure:
    """``body`` (RFC 9051 §9), with the leniencies of the module docstring.

    With ``extensible=False`` (a ``BODY`` FETCH item, which "MUST NOT" carry extension data)
    extension data a server sends anyway is read and dropped. On error the reader is left
    where it was.
    """
    start = reader.pos
    depth = reader.depth
    mode = _GENERAL
    if _FAST:
        # The fast patterns first, unchecked; their result stands if the whole span read is
        # plain (see the patterns). Otherwise -- or on an error, which the checked modes state
        # with its offset -- the body is read again with every match checked.
        try:
            value = _read_body(reader, extensible, 1, _UNCHECKED)
        except IMAPParseError:
            pass
        else:
            if _plain(reader.buf[start : reader.pos]):
                return value
        reader.pos = start
        reader.depth = depth
        mode = _CHECKED
    try:
        return _read_body(reader, extensible, 1, mode)
    except IMAPParseError:
        reader.pos = start
        reader.depth = depth
        raise
