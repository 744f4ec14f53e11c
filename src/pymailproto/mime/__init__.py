"""The MIME structure of a message, with the exact byte range of every section.

An IMAP server answers FETCH BODYSTRUCTURE, ENVELOPE and BODY[section] from the message bytes,
and BODY[section] must be those bytes exactly (RFC 9051 §6.4.5, §7.5.2). The stdlib ``email``
package parses MIME well but forgets where things were, so this package scans the bytes itself
(RFC 2045, RFC 2046 §5.1, RFC 5322) and describes them without copying::

    structure = parse_message(data)
    structure.root.type, structure.root.subtype         # b"multipart", b"mixed"
    structure.section((1,)).of(data)                    # BODY[1]
    structure.section((3,), "HEADER").of(data)          # BODY[3.HEADER]
    header_fields(data, structure.header, ["From"])     # BODY[HEADER.FIELDS (FROM)]
    envelope(data, structure)                           # ENVELOPE
    for path, part in structure.walk(): ...             # (1,), (2,), (2, 1), ...

The model
---------
* A :class:`Span` is a byte range ``[start, end)`` of the message; ``span.of(data)`` cuts it out.
* Every MIME entity is a :class:`Part`: the message itself, each body part of a multipart, the
  message inside a message/rfc822 part. It has a ``header`` span (the fields and the blank line
  that ends them -- BODY[n.MIME]), a ``body`` span (BODY[n]) and the MIME fields BODYSTRUCTURE
  reports, defaults applied. A multipart has ``children``; a message/rfc822 or message/global
  part has ``message``, the :class:`MessageStructure` of the message it holds, whose header and
  text are BODY[n.HEADER] and BODY[n.TEXT].
* A :class:`MessageStructure` wraps the top-level entity (``root``) and numbers the parts as
  RFC 9051 §6.4.5 does: :meth:`~MessageStructure.section`, :meth:`~MessageStructure.part`,
  :meth:`~MessageStructure.walk`.
* Values are the octets of the message (IMAP sends octets): field bodies unfolded, never
  decoded; type and subtype lower-cased. :meth:`Part.param` and :func:`decode_text` decode.
* Nothing here knows IMAP's wire types: the server converts a :class:`Part` to a
  ``BodyStructure`` and :class:`EnvelopeFields` to an ``Envelope``.

Line endings are counted as they are: a store holds CRLF, but bare LF works the same (sizes are
then those of the bytes, where Dovecot would report CRLF sizes).

Malformed mail
--------------
Real mail is broken; :func:`parse_message` never raises on it and degrades much as Dovecot
does (the differences are listed below):

* No Content-Type, or one without a valid ``type/subtype``: text/plain; charset=us-ascii
  (RFC 2045 §5.2), or message/rfc822 inside a multipart/digest (RFC 2046 §5.1.5). A message
  with neither MIME-Version nor Content-Type is not MIME: its other Content-* fields are
  ignored (RFC 2045 §4). The first of each Content-* field counts.
* A boundary delimiter is any line that *starts* with ``--`` and the boundary of an enclosing
  multipart (transport padding or junk after it is allowed), the longest boundary winning;
  an outer boundary ends the inner multiparts. Boundaries longer than 80 octets are cut.
* A missing close delimiter: the last part runs to the end of the enclosing body. Text before
  the first delimiter (preamble) or after the close delimiter (epilogue) belongs to no part.
* A header with no blank line ends at the end of the message, or where a boundary line cuts
  it short (then the part has an empty body). A blank line followed straight by a boundary line
  is that boundary's line break (RFC 2046 §5.1.1): the header ends before it, the body is empty.
* A close delimiter followed straight by an outer boundary line keeps its line break in its
  multipart's body (Dovecot does; RFC 2046 would give it to the outer delimiter).
* A multipart with no boundary parameter, or in which no delimiter line is found, gets one
  empty text/plain part, as Dovecot reports it (every multipart has a part, as RFC 9051's
  ``body-type-mpart = 1*body`` needs).
* An invalid Content-Transfer-Encoding is ``7bit``. Unparseable parameters are skipped up to the
  next ``;``; an unquoted value runs to the next ``;`` or space.
* Limits: past ``max_depth`` levels of nesting, or once ``max_parts`` parts exist, a multipart
  or message part is described as one application/octet-stream leaf; past ``max_parts`` no
  boundary line is recognised any more, so the rest is the body of the part being read.
  Nothing is ever dropped: every octet stays in some body.
* message/rfc822 and message/global parts are parsed as messages whatever their encoding.
* Addresses: see :func:`parse_address_list`. An ENVELOPE field that occurs twice counts by its
  last occurrence, as in Dovecot.

Deliberate differences from Dovecot
-----------------------------------
* Type and subtype are lower-cased; Dovecot sends them as the header wrote them (IMAP compares
  them case-insensitively, RFC 9051 §7.5.2).
* Bare-LF messages: sizes and spans are those of the bytes; Dovecot reports CRLF sizes.
* An unquoted parameter value runs to ``;`` or space (``boundary=----=_Part_1`` stays whole);
  Dovecot stops at the first tspecial.
* Past a limit a multipart or message part becomes application/octet-stream; Dovecot keeps its
  type but describes it as a leaf. message/global is parsed as a message (RFC 9051 §9
  body-type-msg); Dovecot's parser (lib-mail message-parser.c) only knows message/rfc822.
* A multipart that has no parts gets a real empty part at the end of its body, so BODY[n.1]
  is empty where Dovecot answers that there is no such part.
* Dovecot collapses whitespace in subjects and display names when it writes an ENVELOPE
  (``imap_append_string_for_humans``); these fields are the unfolded octets, and the server
  decides.

Caching: a :class:`MessageStructure` is immutable and small; compute it once per message and
keep it with the message, or use a :class:`StructureCache`.
"""

from __future__ import annotations

from pymailproto.mime._cache import StructureCache
from pymailproto.mime._content import Param, decode_param
from pymailproto.mime._envelope import (
    MISSING_DOMAIN,
    MISSING_MAILBOX,
    Address,
    EnvelopeFields,
    envelope,
    parse_address_list,
)
from pymailproto.mime._header import header_fields, header_items
from pymailproto.mime._lex import decode_text
from pymailproto.mime._parser import MAX_DEPTH_CEILING, parse_message
from pymailproto.mime._structure import SECTION_TEXTS, MessageStructure, Part, Span

__all__ = [
    "MAX_DEPTH_CEILING",
    "MISSING_DOMAIN",
    "MISSING_MAILBOX",
    "SECTION_TEXTS",
    "Address",
    "EnvelopeFields",
    "MessageStructure",
    "Param",
    "Part",
    "Span",
    "StructureCache",
    "decode_param",
    "decode_text",
    "envelope",
    "header_fields",
    "header_items",
    "parse_address_list",
    "parse_message",
]
