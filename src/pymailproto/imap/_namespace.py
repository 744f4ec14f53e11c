"""The NAMESPACE response (RFC 2342, folded into RFC 9051 §6.3.10 / §7.3.2).

RFC 9051 §9::

    namespace-response = "NAMESPACE" SP namespace
                          SP namespace SP namespace
                     ; The first Namespace is the Personal Namespace(s).
                     ; The second Namespace is the Other Users'
                     ; Namespace(s).
                     ; The third Namespace is the Shared Namespace(s).
    namespace         = nil / "(" 1*namespace-descr ")"
    namespace-descr   = "(" string SP
                           (DQUOTE QUOTED-CHAR DQUOTE / nil)
                            [namespace-response-extensions] ")"
    namespace-response-extensions = *namespace-response-extension
    namespace-response-extension = SP string SP
                      "(" string *(SP string) ")"

RFC 2342 §6 has the same grammar (``Namespace``, ``Namespace_Response_Extension``) and adds
that the prefix "is to a mailbox and following IMAP4 convention, any international string in
the NAMESPACE response MUST be of modified UTF-7 format". So the prefix is decoded like a
mailbox name (:func:`~pymailproto.imap._mailbox.decode_mailbox`): modified UTF-7, or UTF-8 once
the session has UTF-8 enabled (RFC 6855 §3, RFC 9051 §5.1), which the caller says with
``utf8=``; writers use ``writer.options.utf8``.

A namespace class that is not available is NIL (RFC 9051 §6.3.10: "The response will contain
a NIL for any namespace class that is not available"). Here that is an empty tuple: the
grammar has no empty list (``1*namespace-descr``), so ``()`` and NIL cannot be confused.

:func:`read_namespace_response` starts after ``"NAMESPACE" SP``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._lexer import Reader
from pymailproto.imap._mailbox import decode_mailbox, encode_mailbox, normalize_mailbox, utf7_encode
from pymailproto.imap._values import Writer, _octets, _trusted

__all__ = [
    "Namespace",
    "NamespaceExtension",
    "NamespaceResponse",
    "read_namespace",
    "read_namespace_response",
    "write_namespace",
    "write_namespace_response",
]


def _string(value: bytes | str, what: str) -> bytes:
    data = _octets(value)
    if 0 in data:
        raise IMAPValueError(f"a {what} is a string and cannot carry NUL (RFC 9051 §4.3)")
    return data


@dataclass(frozen=True, slots=True, init=False)
class NamespaceExtension:
    """``namespace-response-extension = SP string SP "(" string *(SP string) ")"``: a name and
    one or more values (RFC 9051 §9; RFC 2342 §5: names off the standards track start "X-")."""

    name: bytes
    values: tuple[bytes, ...]

    def __init__(self, name: bytes | str, values: Iterable[bytes | str]) -> None:
        if isinstance(values, (bytes, str)):
            raise TypeError("values is a list of strings, not one string")
        items = tuple(_string(value, "namespace extension value") for value in values)
        if not items:
            raise IMAPValueError("a namespace extension has at least one value (RFC 9051 §9)")
        object.__setattr__(self, "name", _string(name, "namespace extension name"))
        object.__setattr__(self, "values", items)


@dataclass(frozen=True, slots=True, init=False)
class Namespace:
    """One ``namespace-descr``: a mailbox-name ``prefix``, the hierarchy ``delimiter`` (one
    character, or None for NIL -- a flat namespace) and any extensions."""

    prefix: str
    delimiter: str | None
    extensions: tuple[NamespaceExtension, ...]

    def __init__(
        self,
        prefix: str,
        delimiter: str | None,
        extensions: Iterable[NamespaceExtension] = (),
    ) -> None:
        if not isinstance(prefix, str):
            raise TypeError(f"a namespace prefix is a str, not {type(prefix).__name__}")
        utf7_encode(prefix)  # raises for strings without a Unicode form (lone surrogates)
        if delimiter is not None:
            # DQUOTE QUOTED-CHAR DQUOTE: one TEXT-CHAR (not CR, LF or NUL) or UTF-8 character.
            if not isinstance(delimiter, str) or len(delimiter) != 1:
                raise IMAPValueError(f"a hierarchy delimiter is one character: {delimiter!r}")
            if delimiter in "\r\n\x00" or "\ud800" <= delimiter <= "\udfff":
                raise IMAPValueError(f"not a QUOTED-CHAR (RFC 9051 §9): {delimiter!r}")
        items = tuple(extensions)
        for item in items:
            if not isinstance(item, NamespaceExtension):
                raise IMAPValueError(f"not a NamespaceExtension: {item!r}")
        object.__setattr__(self, "prefix", normalize_mailbox(prefix))
        object.__setattr__(self, "delimiter", delimiter)
        object.__setattr__(self, "extensions", items)


def _namespaces(value: Iterable[Namespace] | None) -> tuple[Namespace, ...]:
    items = () if value is None else tuple(value)
    for item in items:
        if not isinstance(item, Namespace):
            raise IMAPValueError(f"not a Namespace: {item!r}")
    return items


@dataclass(frozen=True, slots=True, init=False)
class NamespaceResponse:
    """The three namespace classes of a NAMESPACE response (RFC 9051 §7.3.2 via §6.3.10);
    an empty tuple is NIL (the class is not available). None is accepted for NIL too."""

    personal: tuple[Namespace, ...]
    other: tuple[Namespace, ...]
    shared: tuple[Namespace, ...]

    def __init__(
        self,
        personal: Iterable[Namespace] | None = (),
        other: Iterable[Namespace] | None = (),
        shared: Iterable[Namespace] | None = (),
    ) -> None:
        object.__setattr__(self, "personal", _namespaces(personal))
        object.__setattr__(self, "other", _namespaces(other))
        object.__setattr__(self, "shared", _namespaces(shared))


# --- reading --------------------------------------------------------------------------------------


def _read_delimiter(reader: Reader) -> str | None:
    """``DQUOTE QUOTED-CHAR DQUOTE / nil``."""
    start = reader.pos
    if reader.peek() != 0x22:
        if reader.skip_nil():
            return None
        raise reader.error("hierarchy delimiter (DQUOTE QUOTED-CHAR DQUOTE) or NIL")
    content = reader.read_quoted()  # well-formed UTF-8 if 8-bit: the reader checked
    text = content.decode("utf-8")
    if len(text) != 1:
        reader.pos = start
        raise reader.fail("hierarchy delimiter is not exactly one QUOTED-CHAR (RFC 9051 §9)")
    return text


def _read_extension(reader: Reader) -> NamespaceExtension:
    """``string SP "(" string *(SP string) ")"`` (after the leading SP)."""
    name = reader.read_string()
    reader.expect_sp()
    reader.open_list()
    values = [reader.read_string()]
    while reader.skip_sp():
        values.append(reader.read_string())
    reader.close_list()
    return _trusted(NamespaceExtension, name=name, values=tuple(values))


def _read_descr(reader: Reader, utf8: bool) -> Namespace:
    """``namespace-descr``."""
    reader.open_list()
    start = reader.pos
    data = reader.read_string()
    try:
        prefix = decode_mailbox(data, utf8=utf8)
    except IMAPValueError as exc:
        reader.pos = start
        raise reader.fail(f"invalid namespace prefix ({exc})", start) from None
    reader.expect_sp()
    delimiter = _read_delimiter(reader)
    extensions = []
    while reader.skip_sp():
        extensions.append(_read_extension(reader))
    reader.close_list()
    return _trusted(Namespace, prefix=prefix, delimiter=delimiter, extensions=tuple(extensions))


def read_namespace(reader: Reader, *, utf8: bool) -> tuple[Namespace, ...]:
    """``namespace = nil / "(" 1*namespace-descr ")"`` (RFC 9051 §9); NIL gives ``()``.

    ``utf8``: whether the session has UTF-8 mailbox names (else modified UTF-7).
    """
    if reader.peek() != 0x28:
        if reader.skip_nil():
            return ()
        raise reader.error('namespace ("(" or NIL)')
    reader.open_list()
    descrs = [_read_descr(reader, utf8)]
    while reader.peek() == 0x28:
        descrs.append(_read_descr(reader, utf8))
    reader.close_list()
    return tuple(descrs)


def read_namespace_response(reader: Reader, *, utf8: bool) -> NamespaceResponse:
    """What follows ``"NAMESPACE" SP`` in ``namespace-response`` (RFC 9051 §9)::

    namespace-response = "NAMESPACE" SP namespace
                          SP namespace SP namespace
    """
    personal = read_namespace(reader, utf8=utf8)
    reader.expect_sp()
    other = read_namespace(reader, utf8=utf8)
    reader.expect_sp()
    shared = read_namespace(reader, utf8=utf8)
    return _trusted(NamespaceResponse, personal=personal, other=other, shared=shared)


# --- writing --------------------------------------------------------------------------------------


def write_namespace(writer: Writer, namespaces: Iterable[Namespace] | None) -> None:
    """``namespace``: NIL for an empty list (or None)."""
    items = _namespaces(namespaces)
    if not items:
        writer.raw(b"NIL")
        return
    utf8 = writer.options.utf8
    writer.raw(b"(")
    for namespace in items:
        writer.raw(b"(")
        writer.string(encode_mailbox(namespace.prefix, utf8=utf8))
        writer.sp()
        if namespace.delimiter is None:
            writer.raw(b"NIL")
        else:
            writer.quoted(namespace.delimiter)
        for extension in namespace.extensions:
            writer.sp()
            writer.string(extension.name)
            writer.raw(b" (")
            for index, value in enumerate(extension.values):
                if index:
                    writer.sp()
                writer.string(value)
            writer.raw(b")")
        writer.raw(b")")
    writer.raw(b")")


def write_namespace_response(writer: Writer, response: NamespaceResponse) -> None:
    """``namespace SP namespace SP namespace`` (after ``"NAMESPACE" SP``)."""
    if not isinstance(response, NamespaceResponse):
        raise IMAPValueError(f"not a NamespaceResponse: {response!r}")
    write_namespace(writer, response.personal)
    writer.sp()
    write_namespace(writer, response.other)
    writer.sp()
    write_namespace(writer, response.shared)
