"""The scanner: message bytes in, :class:`MessageStructure` out, in one pass.

Every entity starts at a line start. Its header runs to the first empty line (RFC 5322 §2.1).
What ends a body is always a boundary delimiter line of an enclosing multipart (RFC 2046
§5.1.1), or the end of the message: so the scanner keeps the boundaries of the multiparts it is
inside on a stack, and looks for the next line that starts with ``--`` and one of them.

Boundary lines are matched as Dovecot matches them: a line that *starts* with ``--boundary``
(RFC 2046 allows transport padding after it; Dovecot allows anything), the longest boundary
winning, the innermost on a tie. A boundary of an outer multipart ends the inner ones.

Line breaks next to boundary lines, as Dovecot assigns them:

* The line break before a boundary line belongs to the boundary (RFC 2046 §5.1.1), so the text
  before it ends without it -- also when that line break is a header's blank line: a part whose
  blank line is followed straight by a boundary line has a header without it and no body.
* A region that begins with a boundary line (an empty preamble or epilogue, an empty body)
  has no line break of its own to give: it is empty, and the line break that ended the line
  before stays where it was. So a multipart whose close delimiter is followed straight by an
  outer boundary line keeps the close delimiter's line break (RFC 2046 would give it to the
  outer delimiter; Dovecot keeps it, and BODY[n] must be what Dovecot sends).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from pymailproto.mime._content import Content, parse_content
from pymailproto.mime._header import content_fields
from pymailproto.mime._structure import MessageStructure, Part, Span

__all__ = ["MAX_DEPTH_CEILING", "parse_message"]

#: The highest ``max_depth`` :func:`parse_message` accepts: the scanner recurses twice per
#: level, and Python's stack is 1000 frames deep by default.
MAX_DEPTH_CEILING = 250
# RFC 2046 §5.1.1: a boundary is at most 70 characters. Longer ones are cut, as Dovecot cuts
# them (70 and some slack), which keeps the matching cost bounded; a cut boundary still matches
# its lines, since a boundary line only has to start with it.
_BOUNDARY_MAX = 80

# RFC 5322 §2.1: the line break before the empty line that ends a header.
_BLANK_LINE = re.compile(rb"\n(?=\r?\n)")
_TEXT_PLAIN = (b"text", b"plain")
_MESSAGE_RFC822 = (b"message", b"rfc822")
_OCTET_STREAM = (b"application", b"octet-stream")
_MESSAGE_SUBTYPES = (b"rfc822", b"global")
_EMPTY = Content(
    b"text", b"plain", ((b"charset", b"us-ascii"),), None, None, b"7bit", None, None, (), (), None
)


class _Stop(NamedTuple):
    """A boundary delimiter line, and where it ends what comes before it."""

    cut: int  # where the text before it ends: the line break before the line is the boundary's
    level: int  # which boundary: an index into the stack
    close: bool  # a close delimiter, ``--boundary--``
    next: int  # where the line after it starts


def parse_message(
    data: bytes, *, max_depth: int = 100, max_parts: int = 10_000
) -> MessageStructure:
    """The MIME structure of the message ``data``, with the span of every section.

    Never raises on malformed input (see the package docstring for how it degrades), and does
    bounded work: one pass over ``data``, parts nested at most ``max_depth`` levels below the
    message, at most ``max_parts`` parts in all (Dovecot's defaults). Past either limit the
    rest is described less finely, never dropped: every octet stays in some part's body.
    """
    if not 0 <= max_depth <= MAX_DEPTH_CEILING:
        raise ValueError(f"max_depth must be from 0 to {MAX_DEPTH_CEILING}, not {max_depth!r}")
    if max_parts < 1:
        raise ValueError(f"max_parts must be at least 1, not {max_parts!r}")
    scanner = _Scanner(bytes(data), max_depth, max_parts)
    root, _ = scanner.entity(0, 0, _TEXT_PLAIN, mime=False)
    return MessageStructure(root)


class _Scanner:
    def __init__(self, data: bytes, max_depth: int, max_parts: int) -> None:
        self.data = data
        self.size = len(data)
        self.max_depth = max_depth
        self.max_parts = max_parts
        self.parts = 0
        self.boundaries: list[bytes] = []
        # Per set of boundaries, the searches for the next line that may end a body (one that
        # starts with "--" and a boundary) and a header (that, or an empty line). They run in
        # the regex engine, so octets that cannot end anything are never looked at from
        # Python, whatever the input.
        self.patterns: dict[frozenset[bytes], tuple[re.Pattern[bytes], re.Pattern[bytes]]] = {}
        self.boundary_line: re.Pattern[bytes] | None = None
        self.header_line = _BLANK_LINE

    # --- boundaries ---------------------------------------------------------------------------

    def push(self, boundary: bytes) -> int:
        self.boundaries.append(boundary[:_BOUNDARY_MAX])
        self._patterns()
        return len(self.boundaries) - 1

    def pop(self, level: int) -> None:
        del self.boundaries[level:]
        self._patterns()

    def _patterns(self) -> None:
        key = frozenset(self.boundaries)
        if not key:
            self.boundary_line, self.header_line = None, _BLANK_LINE
            return
        if key not in self.patterns:
            alternatives = b"|".join(re.escape(boundary) for boundary in key)
            self.patterns[key] = (
                re.compile(rb"\n--(?:" + alternatives + rb")"),
                re.compile(rb"\n(?=\r?\n|--(?:" + alternatives + rb"))"),
            )
        self.boundary_line, self.header_line = self.patterns[key]

    def boundary_at(self, line: int, region: int) -> _Stop | None:
        """The boundary line starting at ``line``, if it is one; ``region`` is where the text
        it would end began (a boundary on its first line leaves it empty)."""
        if not self.boundaries or self.parts >= self.max_parts:
            # Past max_parts no boundary counts, as in Dovecot: the rest is body.
            return None
        data = self.data
        if not data.startswith(b"--", line):
            return None
        eol = data.find(b"\n", line)
        end = self.size if eol < 0 else eol
        following = self.size if eol < 0 else eol + 1
        if end > line and data[end - 1] == 0x0D:
            end -= 1
        best, best_length = -1, -1
        for level in range(len(self.boundaries) - 1, -1, -1):
            boundary = self.boundaries[level]
            if len(boundary) > best_length and data.startswith(boundary, line + 2, end):
                best, best_length = level, len(boundary)
        if best < 0:
            return None
        close = data.startswith(b"--", line + 2 + best_length, end)
        cut = line
        if line > region:  # the line break before the boundary line is part of it
            cut -= 1
            if cut > region and data[cut - 1] == 0x0D:
                cut -= 1
        return _Stop(cut, best, close, following)

    def next_boundary(self, region: int) -> _Stop | None:
        """The first boundary line at or after ``region``, the line start where a body,
        preamble or epilogue begins."""
        return self.boundary_at(region, region) or self.boundary_after(region, region, self.size)

    def boundary_after(self, region: int, pos: int, end: int) -> _Stop | None:
        """The first boundary line after the one starting at ``pos`` and before ``end``."""
        if self.boundary_line is None or self.parts >= self.max_parts:
            return None
        while (match := self.boundary_line.search(self.data, pos, end)) is not None:
            pos = match.start() + 1
            stop = self.boundary_at(pos, region)
            if stop is not None:
                return stop
        return None

    # --- entities -----------------------------------------------------------------------------

    def header(self, start: int) -> tuple[int, int, _Stop | None]:
        """The header starting at ``start``: where its blank line starts and where it ends
        (both the end of the header when it has no blank line), and the boundary line that cut
        it short, if one did (then it ends before that line's line break)."""
        data = self.data
        line = start
        while line < self.size:
            if data.startswith(b"\n", line):
                return line, line + 1, None
            if data.startswith(b"\r\n", line):
                return line, line + 2, None
            stop = self.boundary_at(line, start)
            if stop is not None:
                return stop.cut, stop.cut, stop
            match = self.header_line.search(data, line)
            if match is None:
                break
            line = match.end()
        return self.size, self.size, None

    def entity(
        self, start: int, depth: int, default: tuple[bytes, bytes], *, mime: bool
    ) -> tuple[Part, _Stop | None]:
        """The entity starting at ``start``, ``depth`` levels below the message, and the
        boundary line that ended it (None: the end of the message).

        ``mime``: its Content-* fields count even without MIME-Version or Content-Type (body
        parts of a multipart; RFC 2045 §4 asks MIME-Version of a message)."""
        self.parts += 1
        blank, header_end, stop = self.header(start)
        fields = content_fields(self.data, start, header_end)
        if not mime and b"type" not in fields and b"mime-version" not in fields:
            fields = {}  # not a MIME message: its Content-* fields mean nothing (as Dovecot)
        content = parse_content(fields, default)
        kind = content.type, content.subtype
        children: tuple[Part, ...] = ()
        message: MessageStructure | None = None
        is_message = content.type == b"message" and content.subtype in _MESSAGE_SUBTYPES
        if (is_message or content.type == b"multipart") and (
            depth >= self.max_depth or self.parts >= self.max_parts
        ):
            # Too deep or too many parts: one opaque leaf, so every octet stays reachable.
            content = content._replace(type=_OCTET_STREAM[0], subtype=_OCTET_STREAM[1])
            is_message = False
        # A multipart's own boundary counts from its first body line on, before any other
        # that it may share a prefix with (Dovecot adds it at the blank line, for that reason).
        own = None
        if stop is None and content.type == b"multipart" and content.boundary():
            own = self.push(content.boundary())
        if blank < header_end:
            first = self.boundary_at(header_end, header_end)
            if first is not None and first.level != own:
                # RFC 2046 §5.1.1: the line break before a delimiter is the delimiter's, and
                # here that is the blank line: the header ends before it, the body is empty.
                stop, header_end = first._replace(cut=blank), blank
        if own is not None and stop is not None:
            self.pop(own)
            own = None
        if is_message:
            if stop is None:
                inner, stop = self.entity(header_end, depth + 1, _TEXT_PLAIN, mime=False)
            else:  # no body: an empty message
                inner = _part(self.data, header_end, header_end, _EMPTY)
            message = MessageStructure(inner)
        elif own is not None:
            children, stop = self.multipart(header_end, own, depth + 1, kind)
        elif stop is None:
            stop = self.next_boundary(header_end)
        body_end = self.size if stop is None else stop.cut
        if content.type == b"multipart" and not children:
            # No delimiter line (or no boundary): RFC 9051 needs a part; Dovecot reports one
            # empty text/plain, and so do we.
            children = (_part(self.data, body_end, body_end, _EMPTY),)
        part = _part(self.data, start, body_end, content, header_end, children, message)
        return part, stop

    def multipart(
        self, body: int, level: int, depth: int, kind: tuple[bytes, bytes]
    ) -> tuple[tuple[Part, ...], _Stop | None]:
        """The body parts of a multipart whose body starts at ``body`` and whose boundary is
        pushed at ``level``, and the boundary line of an enclosing multipart that ended it
        (None: the end of the message)."""
        default = _MESSAGE_RFC822 if kind == (b"multipart", b"digest") else _TEXT_PLAIN
        children: list[Part] = []
        stop = self.next_boundary(body)  # the preamble ends here
        while stop is not None and stop.level == level and not stop.close:
            child, stop = self.entity(stop.next, depth, default, mime=True)
            children.append(child)
        self.pop(level)
        if stop is not None and stop.level == level:  # the close delimiter: an epilogue follows
            stop = self.next_boundary(stop.next)
        return tuple(children), stop


def _part(  # noqa: PLR0917 (private)
    data: bytes,
    start: int,
    end: int,
    content: Content,
    body_start: int | None = None,
    children: tuple[Part, ...] = (),
    message: MessageStructure | None = None,
) -> Part:
    """A :class:`Part` from ``start`` to ``end`` whose body starts at ``body_start`` (default
    ``end``), its line count computed without counting any octet twice."""
    body = end if body_start is None else body_start
    if message is not None:
        inner = message.root
        lines = data.count(b"\n", inner.header.start, inner.header.end) + inner.lines
    elif children:
        lines, pos = 0, body
        for child in children:
            lines += data.count(b"\n", pos, child.body.start) + child.lines
            pos = child.body.end
        lines += data.count(b"\n", pos, end)
    else:
        lines = data.count(b"\n", body, end)
    return Part(
        header=Span(start, body),
        body=Span(body, end),
        type=content.type,
        subtype=content.subtype,
        params=content.params,
        id=content.id,
        description=content.description,
        encoding=content.encoding,
        md5=content.md5,
        disposition=content.disposition,
        disposition_params=content.disposition_params,
        language=content.language,
        location=content.location,
        lines=lines,
        children=children,
        message=message,
    )
