"""BODY and BODYSTRUCTURE values and their wire form (RFC 9051 §7.5.2, §9; RFC 3501 §7.4.2)::

    body            = "(" (body-type-1part / body-type-mpart) ")"
    body-type-1part = (body-type-basic / body-type-msg / body-type-text)
                      [SP body-ext-1part]
    body-type-basic = media-basic SP body-fields
                        ; MESSAGE subtype MUST NOT be "RFC822" or
                        ; "GLOBAL"
    body-type-mpart = 1*body SP media-subtype
                      [SP body-ext-mpart]
    body-type-msg   = media-message SP body-fields SP envelope
                      SP body SP body-fld-lines
    body-type-text  = media-text SP body-fields SP body-fld-lines
    body-fields     = body-fld-param SP body-fld-id SP body-fld-desc SP
                      body-fld-enc SP body-fld-octets
    body-fld-param  = "(" string SP string *(SP string SP string) ")" /
                      nil
    body-fld-id     = nstring
    body-fld-desc   = nstring
    body-fld-enc    = (DQUOTE ("7BIT" / "8BIT" / "BINARY" / "BASE64"/
                      "QUOTED-PRINTABLE") DQUOTE) / string
    body-fld-octets = number
    body-fld-lines  = number64          ; number in RFC 3501
    body-ext-1part  = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang
                      [SP body-fld-loc *(SP body-extension)]]]
    body-ext-mpart  = body-fld-param [SP body-fld-dsp [SP body-fld-lang
                      [SP body-fld-loc *(SP body-extension)]]]
    body-fld-md5    = nstring
    body-fld-dsp    = "(" string SP body-fld-param ")" / nil
    body-fld-lang   = nstring / "(" string *(SP string) ")"
    body-fld-loc    = nstring
    body-extension  = nstring / number / number64 /
                       "(" body-extension *(SP body-extension) ")"
    media-basic     = ((DQUOTE ("APPLICATION" / "AUDIO" / "IMAGE" /
                      "FONT" / "MESSAGE" / "MODEL" / "VIDEO" ) DQUOTE)
                      / string) SP media-subtype
    media-message   = DQUOTE "MESSAGE" DQUOTE SP
                      DQUOTE ("RFC822" / "GLOBAL") DQUOTE
    media-subtype   = string
    media-text      = DQUOTE "TEXT" DQUOTE SP media-subtype

The values: a :data:`BodyStructure` is a :class:`BasicBody` (any single part that is neither
text nor an encapsulated message), a :class:`TextBody`, a :class:`MessageBody` (MESSAGE/RFC822
or MESSAGE/GLOBAL, with the envelope and structure of the message inside) or a
:class:`MultipartBody`. Strings are ``bytes`` as sent (NIL is None); ``body-fld-param`` is a
tuple of ``(name, value)`` pairs, the empty tuple standing for NIL (the grammar has no empty
list). Extension data -- present in BODYSTRUCTURE, absent in BODY -- is an
:class:`Extension` (None when absent).

How much extension data a server sends is its choice (``body-ext-1part`` may stop after any
field). :attr:`Extension.fields` remembers how many of the four defined fields were sent, so a
parsed structure is written back as it came; it takes no part in equality, and a value built
without it is written in the shortest form that carries its data.

The reader lives in :mod:`pymailproto.imap._body_parse`, which also documents the leniencies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from pymailproto.imap._envelope import Envelope, write_envelope
from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._lexer import DEFAULT_MAX_DEPTH, MAX_NUMBER, MAX_NUMBER64, BodyExtension
from pymailproto.imap._values import Writer

__all__ = [
    "MAX_BODY_NESTING",
    "BasicBody",
    "BodyStructure",
    "Disposition",
    "Extension",
    "MessageBody",
    "MultipartBody",
    "Param",
    "ParamsInput",
    "TextBody",
    "has_extension",
    "without_extension",
    "write_body",
]

#: How deeply body structures may nest (multipart in multipart, message in message). Each level
#: costs at least one parenthesis, so a reader with the default depth limit never gets this far;
#: the bound keeps the recursive reader and writer far from Python's recursion limit whatever
#: depth a reader is allowed.
MAX_BODY_NESTING = 2 * DEFAULT_MAX_DEPTH

#: One ``body-fld-param`` attribute/value pair.
Param: TypeAlias = tuple[bytes, bytes]
#: What the constructors take for parameters: (name, value) pairs, a mapping, or None for none.
ParamsInput: TypeAlias = (
    Mapping[Any, bytes | str] | Iterable[tuple[bytes | str, bytes | str]] | None
)


# --- validation -----------------------------------------------------------------------------------


def _octets(value: bytes | str, what: str) -> bytes:
    if isinstance(value, str):
        value = value.encode("utf-8")
    if not isinstance(value, bytes):
        raise IMAPValueError(f"{what} must be bytes or str, not {type(value).__name__}")
    if 0 in value:
        raise IMAPValueError(f"{what} cannot hold NUL (RFC 9051 §4.3.1)")
    return value


def _noctets(value: bytes | str | None, what: str) -> bytes | None:
    return None if value is None else _octets(value, what)


def _params(value: ParamsInput, what: str) -> tuple[Param, ...]:
    if value is None:
        return ()
    if isinstance(value, Mapping):
        value = value.items()
    pairs = []
    for pair in value:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise IMAPValueError(f"{what} is a sequence of (name, value) pairs: {pair!r}")
        pairs.append((_octets(pair[0], what), _octets(pair[1], what)))
    return tuple(pairs)


def _number(value: int, what: str, limit: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= limit:
        raise IMAPValueError(f"{what} must be an int from 0 to {limit}: {value!r}")
    return value


def _language(value: Iterable[bytes | str] | bytes | str | None) -> tuple[bytes, ...]:
    if value is None:
        return ()
    if isinstance(value, (bytes, str)):
        return (_octets(value, "body-fld-lang"),)
    return tuple(_octets(item, "body-fld-lang") for item in value)


def _check_extension_value(value: object) -> None:
    """``body-extension``: bytes (no NUL), None, a number64 or a non-empty tuple of them."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if item is None or (isinstance(item, bytes) and 0 not in item):
            continue
        if isinstance(item, int) and not isinstance(item, bool) and 0 <= item <= MAX_NUMBER64:
            continue
        if isinstance(item, tuple) and item:
            if depth >= DEFAULT_MAX_DEPTH:
                raise IMAPValueError("body-extension nested too deeply")
            stack.extend((child, depth + 1) for child in item)
            continue
        raise IMAPValueError(
            "a body-extension is bytes (no NUL), None, an int from 0 to 2**63-1 or a "
            f"non-empty tuple of those: {item!r}"
        )


def _nesting(body: BodyStructure) -> int:
    """How many body levels ``body`` spans (1 for a leaf); walked without recursion."""
    deepest = 0
    stack: list[tuple[BodyStructure, int]] = [(body, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if type(node) is MultipartBody:
            stack.extend((part, level + 1) for part in node.parts)
        elif type(node) is MessageBody:
            stack.append((node.body, level + 1))
    return deepest


def _check_body(value: object, what: str) -> BodyStructure:
    if not isinstance(value, (BasicBody, TextBody, MessageBody, MultipartBody)):
        raise IMAPValueError(f"{what} must be a body structure, not {value!r}")
    if _nesting(value) >= MAX_BODY_NESTING:
        raise IMAPValueError(f"body structures nest at most {MAX_BODY_NESTING} levels deep")
    return value


# --- values ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, init=False)
class Disposition:
    """``body-fld-dsp = "(" string SP body-fld-param ")"`` (RFC 2183 Content-Disposition)."""

    #: ``inline``, ``attachment``, ... as sent.
    type: bytes
    params: tuple[Param, ...]

    def __init__(self, type: bytes | str, params: ParamsInput = ()) -> None:
        object.__setattr__(self, "type", _octets(type, "disposition type"))
        object.__setattr__(self, "params", _params(params, "disposition parameters"))

    def param(self, name: bytes | str) -> bytes | None:
        """The value of parameter ``name`` (case-insensitive), or None."""
        return _lookup(self.params, name)


def _lookup(params: tuple[Param, ...], name: bytes | str) -> bytes | None:
    key = (name.encode("utf-8") if isinstance(name, str) else name).lower()
    for param_name, value in params:
        if param_name.lower() == key:
            return value
    return None


@dataclass(frozen=True, slots=True, init=False)
class Extension:
    """Extension data of a body part: ``body-ext-1part`` / ``body-ext-mpart``.

    ``md5`` belongs to single parts, ``params`` to multiparts (where the boundary lives); the
    other is unused. ``extensions`` are the ``body-extension`` values after the location
    (nstrings as bytes/None, numbers as int, lists as tuples).
    """

    #: ``body-fld-md5`` (single parts only).
    md5: bytes | None
    #: ``body-fld-param`` of a multipart (multiparts only).
    params: tuple[Param, ...]
    disposition: Disposition | None
    #: ``body-fld-lang``: one or more language tags; ``()`` for NIL.
    language: tuple[bytes, ...]
    location: bytes | None
    extensions: tuple[BodyExtension, ...]
    #: How many of the four defined fields (md5 or params, disposition, language, location)
    #: to write at least: as many as the server sent, for a parsed value. Not compared.
    fields: int = field(compare=False, repr=False)

    def __init__(
        self,
        *,
        md5: bytes | str | None = None,
        params: ParamsInput = (),
        disposition: Disposition | None = None,
        language: Iterable[bytes | str] | bytes | str | None = (),
        location: bytes | str | None = None,
        extensions: Iterable[BodyExtension] = (),
        fields: int = 0,
    ) -> None:
        if disposition is not None and not isinstance(disposition, Disposition):
            raise IMAPValueError(f"not a Disposition: {disposition!r}")
        items = tuple(extensions)
        for item in items:
            _check_extension_value(item)
        if not isinstance(fields, int) or isinstance(fields, bool) or not 0 <= fields <= 4:
            raise IMAPValueError(f"fields counts the defined extension fields, 0 to 4: {fields!r}")
        object.__setattr__(self, "md5", _noctets(md5, "body-fld-md5"))
        object.__setattr__(self, "params", _params(params, "body-fld-param"))
        object.__setattr__(self, "disposition", disposition)
        object.__setattr__(self, "language", _language(language))
        object.__setattr__(self, "location", _noctets(location, "body-fld-loc"))
        object.__setattr__(self, "extensions", items)
        object.__setattr__(self, "fields", fields)

    def _count(self) -> int:
        """How many of the four defined fields to write: enough for the data, and at least
        as many as were received."""
        if self.extensions or self.location is not None:
            return 4
        if self.language:
            needed = 3
        elif self.disposition is not None:
            needed = 2
        else:
            needed = 1
        return max(needed, self.fields)


_new = object.__new__
_EXTENSION_SETTERS = tuple(
    Extension.__dict__[name].__set__
    for name in ("md5", "params", "disposition", "language", "location", "extensions", "fields")
)


def _extension(  # noqa: PLR0917 (positional: the parser's hot path)
    md5: bytes | None,
    params: tuple[Param, ...],
    disposition: Disposition | None,
    language: tuple[bytes, ...],
    location: bytes | None,
    extensions: tuple[BodyExtension, ...],
    fields: int,
) -> Extension:
    """Extension data from parsed fields (the trusted fast path)."""
    value = _new(Extension)
    s_md5, s_params, s_dsp, s_lang, s_loc, s_ext, s_fields = _EXTENSION_SETTERS
    s_md5(value, md5)
    s_params(value, params)
    s_dsp(value, disposition)
    s_lang(value, language)
    s_loc(value, location)
    s_ext(value, extensions)
    s_fields(value, fields)
    return value


def _disposition(type: bytes, params: tuple[Param, ...]) -> Disposition:
    value = _new(Disposition)
    object.__setattr__(value, "type", type)
    object.__setattr__(value, "params", params)
    return value


class _SinglePart:
    """What the three single-part kinds share (a mixin; the dataclasses hold the fields)."""

    __slots__ = ()

    type: bytes
    subtype: bytes
    params: tuple[Param, ...]
    extension: Extension | None

    @property
    def mime_type(self) -> str:
        """``type/subtype`` in lower case, e.g. ``"text/plain"``."""
        return (self.type + b"/" + self.subtype).decode("utf-8", "replace").lower()

    def param(self, name: bytes | str) -> bytes | None:
        """The value of body parameter ``name`` (case-insensitive; e.g. ``charset``)."""
        return _lookup(self.params, name)

    @property
    def disposition(self) -> Disposition | None:
        """The extension data's disposition (None without extension data)."""
        return None if self.extension is None else self.extension.disposition


def _check_extension(extension: Extension | None) -> Extension | None:
    if extension is not None and not isinstance(extension, Extension):
        raise IMAPValueError(f"not an Extension: {extension!r}")
    return extension


def _check_single_extension(extension: Extension | None) -> Extension | None:
    if _check_extension(extension) is not None and extension.params:  # type: ignore[union-attr]
        raise IMAPValueError("a single part's extension data has md5, not params")
    return extension


def _body_fields(  # noqa: PLR0917 (private; the constructors' shared checks)
    value: object,
    type: bytes | str,
    subtype: bytes | str,
    params: ParamsInput,
    id: bytes | str | None,
    description: bytes | str | None,
    encoding: bytes | str,
    octets: int,
    extension: Extension | None,
) -> tuple[bytes, bytes]:
    media_type = _octets(type, "media type")
    media_subtype = _octets(subtype, "media-subtype")
    object.__setattr__(value, "type", media_type)
    object.__setattr__(value, "subtype", media_subtype)
    object.__setattr__(value, "params", _params(params, "body-fld-param"))
    object.__setattr__(value, "id", _noctets(id, "body-fld-id"))
    object.__setattr__(value, "description", _noctets(description, "body-fld-desc"))
    object.__setattr__(value, "encoding", _octets(encoding, "body-fld-enc"))
    object.__setattr__(value, "octets", _number(octets, "body-fld-octets", MAX_NUMBER))
    object.__setattr__(value, "extension", _check_single_extension(extension))
    return media_type.upper(), media_subtype.upper()


_MESSAGE_SUBTYPES = (b"RFC822", b"GLOBAL")


@dataclass(frozen=True, slots=True, init=False)
class BasicBody(_SinglePart):
    """``body-type-basic``: a single part that is not TEXT/* nor MESSAGE/RFC822 or GLOBAL."""

    type: bytes
    subtype: bytes
    params: tuple[Param, ...]
    id: bytes | None
    description: bytes | None
    encoding: bytes
    octets: int
    extension: Extension | None

    def __init__(
        self,
        type: bytes | str,
        subtype: bytes | str,
        *,
        params: ParamsInput = (),
        id: bytes | str | None = None,
        description: bytes | str | None = None,
        encoding: bytes | str = b"7BIT",
        octets: int = 0,
        extension: Extension | None = None,
    ) -> None:
        kind, sub = _body_fields(
            self, type, subtype, params, id, description, encoding, octets, extension
        )
        # Either would be written in a form that reads back as another kind (RFC 9051 §9
        # body-type-basic: "MESSAGE subtype MUST NOT be RFC822 or GLOBAL").
        if kind == b"TEXT":
            raise IMAPValueError("a TEXT part is a TextBody (it has body-fld-lines)")
        if kind == b"MESSAGE" and sub in _MESSAGE_SUBTYPES:
            raise IMAPValueError("a MESSAGE/RFC822 or MESSAGE/GLOBAL part is a MessageBody")


@dataclass(frozen=True, slots=True, init=False)
class TextBody(_SinglePart):
    """``body-type-text``: a TEXT/* part with its size in lines."""

    type: bytes
    subtype: bytes
    params: tuple[Param, ...]
    id: bytes | None
    description: bytes | None
    encoding: bytes
    octets: int
    lines: int
    extension: Extension | None

    def __init__(
        self,
        type: bytes | str = b"TEXT",
        subtype: bytes | str = b"PLAIN",
        *,
        params: ParamsInput = (),
        id: bytes | str | None = None,
        description: bytes | str | None = None,
        encoding: bytes | str = b"7BIT",
        octets: int = 0,
        lines: int = 0,
        extension: Extension | None = None,
    ) -> None:
        kind, _ = _body_fields(
            self, type, subtype, params, id, description, encoding, octets, extension
        )
        if kind != b"TEXT":
            raise IMAPValueError(f"a TextBody's type is TEXT (any case), not {type!r}")
        object.__setattr__(self, "lines", _number(lines, "body-fld-lines", MAX_NUMBER64))


@dataclass(frozen=True, slots=True, init=False)
class MessageBody(_SinglePart):
    """``body-type-msg``: a MESSAGE/RFC822 or MESSAGE/GLOBAL part, with the envelope and
    body structure of the message it holds and its size in lines."""

    type: bytes
    subtype: bytes
    params: tuple[Param, ...]
    id: bytes | None
    description: bytes | None
    encoding: bytes
    octets: int
    envelope: Envelope
    body: BodyStructure
    lines: int
    extension: Extension | None

    def __init__(
        self,
        type: bytes | str = b"MESSAGE",
        subtype: bytes | str = b"RFC822",
        *,
        params: ParamsInput = (),
        id: bytes | str | None = None,
        description: bytes | str | None = None,
        encoding: bytes | str = b"7BIT",
        octets: int = 0,
        envelope: Envelope | None = None,
        body: BodyStructure | None = None,
        lines: int = 0,
        extension: Extension | None = None,
    ) -> None:
        kind, sub = _body_fields(
            self, type, subtype, params, id, description, encoding, octets, extension
        )
        if kind != b"MESSAGE" or sub not in _MESSAGE_SUBTYPES:
            raise IMAPValueError(f"a MessageBody is MESSAGE/RFC822 or MESSAGE/GLOBAL: {type!r}")
        if not isinstance(envelope, Envelope):
            raise IMAPValueError(f"a MessageBody needs the Envelope of its message: {envelope!r}")
        object.__setattr__(self, "envelope", envelope)
        object.__setattr__(self, "body", _check_body(body, "the body of a MessageBody"))
        object.__setattr__(self, "lines", _number(lines, "body-fld-lines", MAX_NUMBER64))


@dataclass(frozen=True, slots=True, init=False)
class MultipartBody:
    """``body-type-mpart``: the parts and the multipart subtype (MIXED, ALTERNATIVE, ...).

    ``parts`` is never empty in a value built here (the grammar's ``1*body``); only the lenient
    reader produces a multipart without parts (see :mod:`~pymailproto.imap._body_parse`).
    """

    parts: tuple[BodyStructure, ...]
    subtype: bytes
    extension: Extension | None

    def __init__(
        self,
        parts: Iterable[BodyStructure],
        subtype: bytes | str = b"MIXED",
        extension: Extension | None = None,
    ) -> None:
        items = tuple(parts)
        if not items:
            raise IMAPValueError("a multipart has at least one part (1*body, RFC 9051 §9)")
        for item in items:
            _check_body(item, "a part of a MultipartBody")
        object.__setattr__(self, "parts", items)
        object.__setattr__(self, "subtype", _octets(subtype, "media-subtype"))
        extension = _check_extension(extension)
        if extension is not None and extension.md5 is not None:
            raise IMAPValueError("a multipart's extension data has params, not md5")
        object.__setattr__(self, "extension", extension)

    @property
    def type(self) -> bytes:
        """``MULTIPART``."""
        return b"MULTIPART"

    @property
    def mime_type(self) -> str:
        """``multipart/subtype`` in lower case."""
        return "multipart/" + self.subtype.decode("utf-8", "replace").lower()

    @property
    def params(self) -> tuple[Param, ...]:
        """The multipart's body parameters (from the extension data; ``()`` without it)."""
        return () if self.extension is None else self.extension.params

    def param(self, name: bytes | str) -> bytes | None:
        """The value of body parameter ``name`` (case-insensitive; e.g. ``boundary``)."""
        return _lookup(self.params, name)

    @property
    def disposition(self) -> Disposition | None:
        """The extension data's disposition (None without extension data)."""
        return None if self.extension is None else self.extension.disposition


#: Any body structure.
BodyStructure: TypeAlias = BasicBody | TextBody | MessageBody | MultipartBody


def without_extension(body: BodyStructure) -> BodyStructure:
    """``body`` without extension data at any level: what a BODY (not BODYSTRUCTURE) holds."""
    from dataclasses import replace  # noqa: PLC0415

    if isinstance(body, MultipartBody):
        parts = tuple(without_extension(part) for part in body.parts)
        value = _new(MultipartBody)
        object.__setattr__(value, "parts", parts)
        object.__setattr__(value, "subtype", body.subtype)
        object.__setattr__(value, "extension", None)
        return value
    if isinstance(body, MessageBody):
        return replace(body, body=without_extension(body.body), extension=None)
    if body.extension is None:
        return body
    return replace(body, extension=None)


def has_extension(body: BodyStructure) -> bool:
    """Whether ``body`` carries extension data at any level."""
    stack: list[BodyStructure] = [body]
    while stack:
        node = stack.pop()
        if node.extension is not None:
            return True
        if isinstance(node, MultipartBody):
            stack.extend(node.parts)
        elif isinstance(node, MessageBody):
            stack.append(node.body)
    return False


# --- writing --------------------------------------------------------------------------------------

# What Dovecot writes for a multipart without parts (imap-bodystructure.c: "no parts in
# multipart message, that's not allowed. write a single 0-length text/plain structure"); only
# the lenient reader can produce such a value, and this keeps its wire form valid.
_EMPTY_PART = b'("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0)'
_EMPTY_PART_EXTENDED = b'("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL)'


def _write_params(writer: Writer, params: tuple[Param, ...]) -> None:
    """``body-fld-param``: NIL for no parameters."""
    if not params:
        writer.raw(b"NIL")
        return
    writer.raw(b"(")
    first = True
    for name, value in params:
        if not first:
            writer.sp()
        first = False
        writer.string(name)
        writer.sp()
        writer.string(value)
    writer.raw(b")")


def _write_extension_value(writer: Writer, value: BodyExtension) -> None:
    if isinstance(value, tuple):
        writer.raw(b"(")
        for index, item in enumerate(value):
            if index:
                writer.sp()
            _write_extension_value(writer, item)
        writer.raw(b")")
    elif isinstance(value, int):
        writer.number64(value)
    else:
        writer.nstring(value)


def _write_extension(writer: Writer, extension: Extension, multipart: bool) -> None:
    """``SP body-ext-1part`` / ``SP body-ext-mpart``."""
    count = extension._count()
    writer.sp()
    if multipart:
        _write_params(writer, extension.params)
    else:
        writer.nstring(extension.md5)
    if count < 2:
        return
    writer.sp()
    disposition = extension.disposition
    if disposition is None:
        writer.raw(b"NIL")
    else:
        writer.raw(b"(")
        writer.string(disposition.type)
        writer.sp()
        _write_params(writer, disposition.params)
        writer.raw(b")")
    if count < 3:
        return
    writer.sp()
    language = extension.language
    if not language:
        writer.raw(b"NIL")
    elif len(language) == 1:
        writer.string(language[0])
    else:
        writer.raw(b"(")
        for index, tag in enumerate(language):
            if index:
                writer.sp()
            writer.string(tag)
        writer.raw(b")")
    if count < 4:
        return
    writer.sp()
    writer.nstring(extension.location)
    for value in extension.extensions:
        writer.sp()
        _write_extension_value(writer, value)


def write_body(writer: Writer, body: BodyStructure, *, extensible: bool = True) -> None:
    """``body``; with ``extensible=False`` the extension data is left out at every level (the
    non-extensible form a ``BODY`` FETCH item holds, RFC 9051 §7.5.2)."""
    if isinstance(body, MultipartBody):
        writer.raw(b"(")
        if body.parts:
            for part in body.parts:
                write_body(writer, part, extensible=extensible)
        else:
            writer.raw(_EMPTY_PART_EXTENDED if extensible else _EMPTY_PART)
        writer.sp()
        writer.string(body.subtype)
        if extensible and body.extension is not None:
            _write_extension(writer, body.extension, True)
        writer.raw(b")")
        return
    if not isinstance(body, (BasicBody, TextBody, MessageBody)):
        raise IMAPValueError(f"not a body structure: {body!r}")
    writer.raw(b"(")
    # media-text and media-message are DQUOTEd in the grammar: a TEXT or MESSAGE type always
    # has a quoted form, which Writer.string picks for it.
    writer.string(body.type)
    writer.sp()
    writer.string(body.subtype)
    writer.sp()
    _write_params(writer, body.params)
    writer.sp()
    writer.nstring(body.id)
    writer.sp()
    writer.nstring(body.description)
    writer.sp()
    writer.string(body.encoding)
    writer.sp()
    writer.number(body.octets)
    if isinstance(body, TextBody):
        writer.sp()
        writer.number64(body.lines)
    elif isinstance(body, MessageBody):
        writer.sp()
        write_envelope(writer, body.envelope)
        writer.sp()
        write_body(writer, body.body, extensible=extensible)
        writer.sp()
        writer.number64(body.lines)
    if extensible and body.extension is not None:
        _write_extension(writer, body.extension, False)
    writer.raw(b")")
