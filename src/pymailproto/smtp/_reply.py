"""SMTP replies: the value type, its wire form, and the incremental reply reader.

RFC 5321 §4.2::

    Reply-line     = *( Reply-code "-" [ textstring ] CRLF )
                     Reply-code [ SP textstring ] CRLF
    Reply-code     = %x32-35 %x30-35 %x30-39
    textstring     = 1*(%d09 / %d32-126) ; HT, SP, Printable US-ASCII

RFC 2034 §4 adds an enhanced status code (RFC 3463 ``class.subject.detail``) in front of the
text of every line of 2xx/4xx/5xx replies once ENHANCEDSTATUSCODES is advertised.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.smtp._events import Event

__all__ = ["Greeting", "Reply", "ReplyReader"]

# RFC 2034 §4: status-code = class "." subject "." detail; class = 2/4/5; 1*3digit each.
# ([0-9], not \d: in a str pattern \d also matches non-ASCII digits, which are no DIGIT.)
_ENHANCED = re.compile(r"[245]\.[0-9]{1,3}\.[0-9]{1,3}\Z")
_ENHANCED_PREFIX = re.compile(r"([245]\.[0-9]{1,3}\.[0-9]{1,3})(?: |\Z)")
# Text may carry UTF-8 under SMTPUTF8 (RFC 6531 §3.7.4.2), but never a control character other
# than HT: CR, LF and NUL are what would let a reply smuggle a second reply. Lone surrogates
# have no UTF-8 form, so a reply holding one could not be serialized.
_BAD_TEXT = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\ud800-\udfff]")


@dataclass(frozen=True, slots=True, init=False)
class Reply(Event):
    """One SMTP reply: a code, one or more lines of text, and an optional enhanced code.

    ``Reply(250, "OK")``, ``Reply(250, ["mx.example greets you", "PIPELINING"])`` and
    ``Reply(550, "No such user", enhanced="5.1.1")`` are all valid. Construction validates
    everything, so a reply that exists can always be serialized to a well-formed reply.
    """

    code: int
    text_lines: tuple[str, ...]
    enhanced: str | None = field(default=None)
    # Caches: a reply is immutable, and the same few replies are sent for every message.
    _wire: bytes | None = field(default=None, repr=False, compare=False)
    _plain: Reply | None = field(default=None, repr=False, compare=False)

    def __init__(
        self, code: int, text_lines: str | Sequence[str] = "", enhanced: str | None = None
    ) -> None:
        # RFC 5321 §4.2: Reply-code = %x32-35 %x30-35 %x30-39
        if not (isinstance(code, int) and 200 <= code <= 559 and (code // 10) % 10 <= 5):
            raise LocalProtocolError(f"invalid SMTP reply code {code!r}")
        lines = (text_lines,) if isinstance(text_lines, str) else tuple(text_lines)
        if not lines:
            lines = ("",)
        for line in lines:
            if not isinstance(line, str) or _BAD_TEXT.search(line):
                raise LocalProtocolError(f"reply text may not contain control characters: {line!r}")
        if enhanced is not None:
            if not _ENHANCED.match(enhanced):
                raise LocalProtocolError(f"invalid enhanced status code {enhanced!r}")
            # RFC 2034 §4: the class must agree with the first digit of the reply code.
            if int(enhanced[0]) != code // 100:
                raise LocalProtocolError(f"enhanced code {enhanced} does not agree with {code}")
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "text_lines", lines)
        object.__setattr__(self, "enhanced", enhanced)
        object.__setattr__(self, "_wire", None)
        object.__setattr__(self, "_plain", None)

    @property
    def text(self) -> str:
        """All lines of text joined with newlines."""
        return "\n".join(self.text_lines)

    @property
    def is_positive(self) -> bool:
        """2yz: the command was accepted (RFC 5321 §4.2.1)."""
        return 200 <= self.code < 300

    @property
    def is_intermediate(self) -> bool:
        """3yz: go on (354 after DATA, 334 during AUTH)."""
        return 300 <= self.code < 400

    @property
    def is_transient(self) -> bool:
        """4yz: refused for now; the same command may succeed later."""
        return 400 <= self.code < 500

    @property
    def is_permanent(self) -> bool:
        """5yz: refused; do not repeat the command unchanged."""
        return self.code >= 500

    @property
    def is_error(self) -> bool:
        """4yz or 5yz."""
        return self.code >= 400

    @property
    def challenge(self) -> bytes:
        """The decoded SASL challenge of a 334 reply (RFC 4954 §4)."""
        if self.code != 334:
            raise LocalProtocolError(f"reply {self.code} is not an AUTH challenge")
        text = self.text_lines[0].strip()
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise RemoteProtocolError(f"AUTH challenge is not base64: {text!r}") from exc

    def without_enhanced(self) -> Reply:
        """The same reply with no enhanced status code (RFC 2034 §3: only once negotiated)."""
        if self.enhanced is None:
            return self
        plain = self._plain
        if plain is None:
            plain = _trusted(type(self), self.code, self.text_lines, None)
            object.__setattr__(self, "_plain", plain)
        return plain

    def to_bytes(self) -> bytes:
        """The reply as it goes on the wire, CRLF included."""
        wire = self._wire
        if wire is None:
            wire = self._serialize()
            object.__setattr__(self, "_wire", wire)
        return wire

    def _serialize(self) -> bytes:
        prefix = f"{self.enhanced} " if self.enhanced else ""
        last = len(self.text_lines) - 1
        out = []
        for i, text in enumerate(self.text_lines):
            body = prefix + text
            # RFC 4954 §4: continue-req = "334" SP [base64] CRLF -- the space is required.
            sep = "-" if i < last else (" " if body or self.code == 334 else "")
            out.append(f"{self.code}{sep}{body}\r\n")
        return "".join(out).encode("utf-8")

    def __str__(self) -> str:
        prefix = f"{self.enhanced} " if self.enhanced else ""
        return f"{self.code} {prefix}{self.text}"


@dataclass(frozen=True, slots=True, init=False)
class Greeting(Reply):
    """The server's opening reply (220 ready, or 554 refusing service; RFC 5321 §3.1)."""


class ReplyReader:
    """Assembles reply lines into :class:`Reply` values (the client's reading side).

    Feed it one line at a time (without CRLF); it returns a reply when the last line of a
    multi-line reply arrives and ``None`` before that.
    """

    __slots__ = ("_code", "_lines", "_max_lines")

    def __init__(self, max_lines: int) -> None:
        self._code: int | None = None
        self._lines: list[str] = []
        self._max_lines = max_lines

    @property
    def in_progress(self) -> bool:
        """True while a multi-line reply is only partly received."""
        return self._code is not None

    def feed_line(self, line: bytes, *, greeting: bool = False) -> Reply | None:
        """Consume one reply line; return the completed reply, if this line completed one."""
        if self._code is None:
            # Most replies are one line, and the same few lines come back for every message
            # (250 OK, 354 ...): a reply is immutable, so a line parsed once is shared.
            cached = _SINGLE_LINE_REPLIES.get((line, greeting))
            if cached is not None:
                return cached
        # RFC 5321 §4.2: clients SHOULD accept a bare code, with or without a trailing space.
        if len(line) < 3 or not line[:3].isdigit() or (len(line) > 3 and line[3:4] not in b" -"):
            raise RemoteProtocolError(f"malformed SMTP reply line: {line[:80]!r}")
        code = int(line[:3])
        # RFC 5321 §4.2: Reply-code = %x32-35 %x30-35 %x30-39
        if not 200 <= code <= 559 or line[1] > 0x35:
            raise RemoteProtocolError(f"invalid SMTP reply code in {line[:80]!r}")
        if self._code is not None and code != self._code:
            raise RemoteProtocolError(
                f"reply code changed from {self._code} to {code} inside a multi-line reply"
            )
        self._code = code
        self._lines.append(line[4:].decode("utf-8", "replace"))
        if len(self._lines) > self._max_lines:
            raise RemoteProtocolError(f"reply longer than {self._max_lines} lines")
        if line[3:4] == b"-":
            return None
        lines, self._lines, self._code = self._lines, [], None
        reply = _build(code, lines, Greeting if greeting else Reply)
        if len(lines) == 1:
            if len(_SINGLE_LINE_REPLIES) >= _CACHE_SIZE:
                _SINGLE_LINE_REPLIES.clear()  # bounded: a peer cannot grow it
            _SINGLE_LINE_REPLIES[line, greeting] = reply
        return reply


_CACHE_SIZE = 256
_SINGLE_LINE_REPLIES: dict[tuple[bytes, bool], Reply] = {}


def _build(code: int, lines: list[str], cls: type[Reply]) -> Reply:
    enhanced = None
    # RFC 2034 §4: codes appear on every line of 2xx/4xx/5xx replies; take the one on the
    # last line when it agrees with the reply code, and strip it wherever it appears.
    found = _ENHANCED_PREFIX.match(lines[-1])
    if found and int(found.group(1)[0]) == code // 100:
        enhanced = found.group(1)
        lines = [_strip_code(text, enhanced) for text in lines]
    # The grammar was checked above and control characters are replaced here, so the value
    # is valid by construction: build it without running the validating constructor again.
    text_lines = tuple(t if t.isprintable() else _BAD_TEXT.sub("?", t) for t in lines)
    return _trusted(cls, code, text_lines, enhanced)


def _trusted(
    cls: type[Reply], code: int, text_lines: tuple[str, ...], enhanced: str | None
) -> Reply:
    """A reply from parts already known to be valid (no second validation)."""
    reply = object.__new__(cls)
    for name, value in (
        ("code", code),
        ("text_lines", text_lines),
        ("enhanced", enhanced),
        ("_wire", None),
        ("_plain", None),
    ):
        object.__setattr__(reply, name, value)
    return reply


def _strip_code(text: str, code: str) -> str:
    if text == code:
        return ""
    if text.startswith(code + " "):
        return text[len(code) + 1 :]
    return text
