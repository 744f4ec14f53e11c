"""A seeded, realistic IMAP FETCH response: the input of ``imap_parse.py``.

    .venv/bin/python benchmarks/imap_fixture.py              # size, composition, grammar check
    .venv/bin/python benchmarks/imap_fixture.py --messages 20 --dump   # the bytes themselves

What a client reads after ``A001 UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE
BODYSTRUCTURE)`` on a mailbox of ``count`` messages: one ``* n FETCH (...)`` response per
message, then ``A001 OK UID FETCH completed``. The same seed always gives the same bytes
(only :class:`random.Random` drives it; no clock, locale or hash order).

Every response follows RFC 3501 §7.4.2 and §9 (and RFC 9051 §7.5.2 and §9, apart from
``\\Recent``, which IMAP4rev2 dropped): :func:`check_fetch_response` is a strict checker of
exactly those productions, run by ``main()``. What the messages hold, to look like a real
mailbox:

* flags: system flags (``\\Recent`` on the newest few), keywords (``$Forwarded``, ``$Junk``,
  ``NonJunk``, ``$label1`` ...), or none;
* INTERNALDATE in ``date-day-fixed`` form, both ``07-Mar-2023`` and `` 7-Mar-2023``;
* ENVELOPE with RFC 5322 dates, subjects (quoted, with ``\\"`` and ``\\\\`` escapes, RFC 2047
  encoded-words, raw UTF-8 sent as literals, empty, NIL), addresses with and without names,
  sender/reply-to copied from from (RFC 3501 §7.4.2) or set by mailing lists, group syntax
  (``undisclosed-recipients:;`` and named groups with members), in-reply-to, message-id;
* BODYSTRUCTURE: text/plain or text/html alone, multipart/alternative, multipart/mixed with
  attachments (dispositions with RFC 2231 and encoded-word file names, some 8-bit literal
  ones), multipart/related with inline images (content ids, locations), calendar invitations,
  forwarded message/rfc822 parts (nested envelope, body and line count), delivery reports;
  with extension data (MD5, disposition, language, location) to varying depths;
* three server styles, one per message: media types and parameter names in the header's
  case with full extension data (as Dovecot sends them); upper-cased, with the items in
  another order and INTERNALDATE in UTC (as Gmail sends them); and one that sends every
  string holding ``"`` or ``\\`` as a literal instead of escaping it (Cyrus's rule).
"""

from __future__ import annotations

import argparse
import base64
import datetime
import random
import re
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "COMMAND",
    "ITEMS",
    "SEED",
    "TAG",
    "FetchFixture",
    "FetchedMessage",
    "build_fetch_response",
    "check_fetch_response",
    "make_fetch_response",
]

SEED = 4
TAG = "A001"
ITEMS = ("UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODYSTRUCTURE")
#: The command the fixture answers.
COMMAND = f"{TAG} UID FETCH 1:* ({' '.join(ITEMS)})\r\n".encode()


@dataclass(frozen=True)
class FetchedMessage:
    """What the generator put into one FETCH response: the values a parser must return."""

    seq: int
    uid: int
    size: int
    flags: tuple[str, ...]
    #: The envelope subject as octets (escapes removed), ``None`` for NIL.
    subject: bytes | None
    #: The BODYSTRUCTURE kind, e.g. ``"multipart/mixed"``.
    body: str
    #: Literals in this response.
    literals: int


@dataclass(frozen=True)
class FetchFixture:
    """The response bytes and what they hold."""

    data: bytes
    messages: tuple[FetchedMessage, ...]
    composition: dict[str, int]
    tag: str = TAG

    @property
    def literals(self) -> int:
        return sum(m.literals for m in self.messages)


def make_fetch_response(count: int = 10_000, seed: int = SEED) -> bytes:
    """The server's answer to :data:`COMMAND` for a mailbox of ``count`` messages."""
    return build_fetch_response(count, seed).data


def build_fetch_response(count: int = 10_000, seed: int = SEED) -> FetchFixture:
    """Like :func:`make_fetch_response`, with the expected values and composition."""
    if count < 1:
        raise ValueError("count must be at least 1")
    return _Generator(seed).fixture(count)


# --------------------------------------------------------------------------- vocabulary

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ZONES = (0, 60, 60, 120, -300, -300, -480, 330, 540, -240)  # minutes east of UTC

_FIRST = (
    "Alice", "Bob", "Carol", "David", "Emma", "Frank", "Grace", "Hiro", "Ines", "Jack",
    "Karen", "Liam", "Maria", "Noah", "Olivia", "Paul", "Quinn", "Rachel", "Sam", "Tom",
    "Uma", "Victor", "Wendy", "Xavier", "Yuki", "Zoe", "Priya", "Mohammed", "Chen", "Lena",
)  # fmt: skip
_LAST = (
    "Smith", "Johnson", "Martin", "Brown", "Garcia", "Miller", "Davis", "Wilson", "Moore",
    "Taylor", "Anderson", "Thomas", "Lee", "Walker", "Young", "King", "Wright", "Lopez",
    "Hill", "Scott", "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Patel",
    "Nakamura", "Schmidt", "Rossi",
)  # fmt: skip
# (display name, local part) for people whose names are not ASCII.
_INTERNATIONAL = (
    ("José García", "jose.garcia"),
    ("Jürgen Müller", "juergen.mueller"),
    ("Zoë Dubois", "zoe.dubois"),
    ("Łukasz Wójcik", "lukasz.wojcik"),
    ("Søren Kierkegård", "soren.k"),
    ("François Lefèvre", "f.lefevre"),
    ("Ольга Иванова", "olga.ivanova"),
    ("山田 太郎", "t.yamada"),
    ("Nguyễn Văn An", "an.nguyen"),
    ("Αλέξανδρος Παπαδόπουλος", "alex.p"),
)
_SERVICES = (
    ("GitHub", "notifications", "github.example"),
    ("Example Bank", "no-reply", "alerts.examplebank.example"),
    ("Jira", "jira", "example.atlassian.example"),
    ("The Example Team", "team", "example.com"),
    ("Amazon.example", "shipment-tracking", "amazon.example"),
    ("LinkedIn", "messages-noreply", "linkedin.example"),
    ("Google Calendar", "calendar-notification", "google.example"),
    ("Mail Delivery Subsystem", "MAILER-DAEMON", "mx.example.net"),
    (None, "noreply", "billing.example.org"),
    (None, "root", "build01.example.com"),
)
_HOSTS = (
    "example.com", "example.com", "example.org", "example.net", "mail.example.com",
    "corp.example.co.uk", "students.example.edu", "gmail.example", "outlook.example",
    "fastmail.example", "posteo.example", "lists.example.org",
)  # fmt: skip
_LISTS = ("dev", "announce", "users", "ietf-imap", "python-dev", "debian-devel")
_OWNER = ("Sam Taylor", "sam.taylor", "example.com")

_TOPICS = (
    "Quarterly report", "Meeting notes", "Lunch on Friday?", "Invoice {n}",
    "Your order #{n} has shipped", "Build failed: main (#{n})", "Re-scheduled: 1:1",
    "[PATCH v{d} {d}/{d}] net: fix use-after-free in tcp_close()", "Holiday plans",
    "Question about the API", "Welcome to the team!", "Password reset request",
    "Weekly digest, week {d}", "Draft contract for review", "Server maintenance tonight",
    "Pull request #{n}: Bump dependencies", "Expense claim {n} approved",
    "Re: your ticket {n}", "Slides for tomorrow", "Flight confirmation ABC{n}",
    "Invitation: Planning @ Tue {d}:00 - {d}:30 (CET)", "Minutes of the board meeting",
    "Security alert: new sign-in", "Photos from the trip", "Out of office",
)  # fmt: skip
_TOPICS_QUOTING = (
    'Re: "Project X" kick-off',
    'He said "ship it" \\o/',
    "Path is C:\\Users\\shared\\reports",
    'The "new" backslash \\ rule',
    'Fwd: "Urgent": sign the NDA',
)
_TOPICS_UTF8 = (
    "Réunion d'équipe — ordre du jour",
    "Заказ №{n} отправлен",
    "東京オフィスの件について",
    "Grüße aus München",
    "Café ☕ on Friday?",
    "Ünïcödé test ✓",
    "Año nuevo, ¿planes?",
    "Προσφορά {n}",
)
_PREFIXES = ("Re: ", "RE: ", "Fwd: ", "Fw: ", "Re: Re: ", "AW: ")
_CHARSETS = ("utf-8", "UTF-8", "us-ascii", "iso-8859-1", "windows-1252")
_KEYWORDS = (
    "$Forwarded", "$MDNSent", "$Junk", "$NotJunk", "NonJunk", "$label1", "$label3",
    "Junk", "$Phishing", "$HasAttachment",
)  # fmt: skip
_ATTACHMENTS = (
    ("application", "pdf", "Invoice-{n}.pdf"),
    ("application", "pdf", "report_Q{d}.pdf"),
    ("image", "jpeg", "IMG_{n}.JPG"),
    ("image", "png", "screenshot {d}.png"),
    ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document", "Contract.docx"),
    ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet", "budget.xlsx"),
    ("application", "zip", "logs-{n}.zip"),
    ("application", "octet-stream", "data.bin"),
    ("text", "csv", "export-{n}.csv"),
    ("application", "pgp-signature", "signature.asc"),
)
_FILENAMES_UTF8 = ("Résumé.pdf", "Übersicht {d}.xlsx", "Договор.docx", "見積書.pdf")
_LANGUAGES = ("en", "en-US", "de", "fr")


def _q_encode(text: str) -> str:
    """An RFC 2047 "Q" encoded-word body (§4.2): ``_`` for space, ``=XX`` for the rest."""
    out = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        if char == " ":
            out.append("_")
        elif char.isalnum() and byte < 0x80:
            out.append(char)
        else:
            out.append(f"={byte:02X}")
    return "".join(out)


def _encoded_word(text: str, which: int) -> str:
    """``text`` as one RFC 2047 encoded-word, B or Q, in UTF-8 (or Latin-1 when it fits)."""
    if which == 0:
        return f"=?UTF-8?B?{base64.b64encode(text.encode('utf-8')).decode('ascii')}?="
    if which == 1:
        return f"=?utf-8?Q?{_q_encode(text)}?="
    try:
        latin = text.encode("iso-8859-1")
    except UnicodeEncodeError:
        return f"=?utf-8?Q?{_q_encode(text)}?="
    body = "".join(
        "_" if b == 0x20 else chr(b) if chr(b).isalnum() and b < 0x80 else f"={b:02X}"
        for b in latin
    )
    return f"=?iso-8859-1?Q?{body}?="


def _needs_literal(value: bytes) -> bool:
    """A quoted string holds TEXT-CHARs only: 7-bit, no CR, LF or NUL (RFC 3501 §9)."""
    return not value.isascii() or b"\r" in value or b"\n" in value or b"\0" in value


# --------------------------------------------------------------------------- styles


@dataclass(frozen=True)
class _Style:
    """How one server writes a FETCH response (every choice here is valid IMAP)."""

    name: str
    #: Media types, subtypes and parameter names upper-cased, or as in the header.
    upper: bool
    #: Strings holding ``"`` or ``\\`` sent as literals rather than escaped.
    literal_specials: bool
    #: Extension fields after a body's basic fields (RFC 3501 §7.4.2): 0 to 4.
    extension: int
    #: INTERNALDATE day 1-9 as SP DIGIT (``" 7-Mar-2023"``) rather than 2DIGIT.
    space_day: bool
    #: INTERNALDATE always in UTC.
    utc: bool
    order: tuple[str, ...]


_STYLES = (
    (_Style("dovecot-like", False, False, 4, False, False, ITEMS), 6),
    (
        _Style(
            "gmail-like",
            True,
            False,
            3,
            False,
            True,
            ("UID", "RFC822.SIZE", "INTERNALDATE", "FLAGS", "ENVELOPE", "BODYSTRUCTURE"),
        ),
        3,
    ),
    (_Style("literal-specials", True, True, 4, True, False, ITEMS), 1),
)

# A part: its BODYSTRUCTURE bytes and the octets of its content (body-fld-octets for a
# single part; what it adds to RFC822.SIZE for a multipart).
_Part = tuple[bytes, int]


# --------------------------------------------------------------------------- generator


class _Generator:
    """Builds one FETCH response per message from a seeded :class:`random.Random`."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.stats: Counter[str] = Counter()
        self.style = _STYLES[0][0]
        self.literals = 0
        self.now = datetime.datetime(2021, 1, 4, 7, 30, tzinfo=datetime.timezone.utc)
        self.uid = self.rng.randint(1, 500)
        self.counter = self.rng.randint(1000, 9000)

    # ------------------------------------------------------------------ the response

    def fixture(self, count: int) -> FetchFixture:
        rng = self.rng
        styles = [s for s, _ in _STYLES]
        weights = [w for _, w in _STYLES]
        chunks: list[bytes] = []
        messages: list[FetchedMessage] = []
        recent_from = count - max(1, count // 500)
        for seq in range(1, count + 1):
            self.style = rng.choices(styles, weights)[0]
            self.stats[f"style {self.style.name}"] += 1
            self.literals = 0
            self.uid += 1 if rng.random() < 0.8 else rng.randint(2, 40)
            self.now += datetime.timedelta(seconds=int(rng.expovariate(1 / 9000)) + 1)
            flags = self.flags(recent=seq > recent_from)
            sent = self.now - datetime.timedelta(seconds=rng.randint(2, 400))
            subject, envelope = self.envelope(sent)
            body, body_kind, body_octets = self.bodystructure()
            size = rng.randint(700, 6000) + body_octets  # header + body
            values = {
                "UID": b"%d" % self.uid,
                "FLAGS": b"(" + " ".join(flags).encode("ascii") + b")",
                "INTERNALDATE": self.internaldate(),
                "RFC822.SIZE": b"%d" % size,
                "ENVELOPE": envelope,
                "BODYSTRUCTURE": body,
            }
            items = b" ".join(
                name.encode("ascii") + b" " + values[name] for name in self.style.order
            )
            chunks.append(b"* %d FETCH (%s)\r\n" % (seq, items))
            messages.append(
                FetchedMessage(seq, self.uid, size, flags, subject, body_kind, self.literals)
            )
            self.stats[f"body {body_kind}"] += 1
            if self.literals:
                self.stats["responses with literals"] += 1
        chunks.append(f"{TAG} OK UID FETCH completed\r\n".encode("ascii"))
        return FetchFixture(b"".join(chunks), tuple(messages), dict(sorted(self.stats.items())))

    def flags(self, recent: bool) -> tuple[str, ...]:
        rng = self.rng
        flags = []
        if rng.random() < 0.85:
            flags.append("\\Seen")
        if rng.random() < 0.12:
            flags.append("\\Answered")
        if rng.random() < 0.06:
            flags.append("\\Flagged")
        if rng.random() < 0.01:
            flags.append("\\Deleted")
        if rng.random() < 0.005:
            flags.append("\\Draft")
        if rng.random() < 0.25:
            flags.extend(rng.sample(_KEYWORDS, rng.choice((1, 1, 1, 2, 3))))
        if recent:
            flags.append("\\Recent")
        if not flags:
            self.stats["flags ()"] += 1
        return tuple(flags)

    def internaldate(self) -> bytes:
        style = self.style
        zone = 0 if style.utc else self.rng.choice(_ZONES)
        when = self.now.astimezone(datetime.timezone(datetime.timedelta(minutes=zone)))
        day = f"{when.day:2d}" if style.space_day else f"{when.day:02d}"
        sign = "-" if zone < 0 else "+"
        text = (
            f'"{day}-{_MONTHS[when.month - 1]}-{when.year:04d} '
            f"{when.hour:02d}:{when.minute:02d}:{when.second:02d} "
            f'{sign}{abs(zone) // 60:02d}{abs(zone) % 60:02d}"'
        )
        return text.encode("ascii")

    # ------------------------------------------------------------------ strings

    def string(self, value: str | bytes) -> bytes:
        """``value`` as a quoted string, or a literal when it must (or the style wants) be."""
        octets = value.encode("utf-8") if isinstance(value, str) else value
        if _needs_literal(octets) or (
            self.style.literal_specials and (b'"' in octets or b"\\" in octets)
        ):
            self.literals += 1
            return b"{%d}\r\n%s" % (len(octets), octets)
        return b'"' + octets.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'

    def nstring(self, value: str | bytes | None) -> bytes:
        return b"NIL" if value is None else self.string(value)

    def media(self, value: str) -> bytes:
        return self.string(value.upper() if self.style.upper else value)

    def params(self, pairs: Sequence[tuple[str, str | bytes]]) -> bytes:
        if not pairs:
            return b"NIL"
        return (
            b"("
            + b" ".join(self.media(name) + b" " + self.string(value) for name, value in pairs)
            + b")"
        )

    def number(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def fill(self, template: str) -> str:
        rng = self.rng
        while "{n}" in template:
            self.counter += rng.randint(1, 97)
            template = template.replace("{n}", str(self.counter), 1)
        while "{d}" in template:
            template = template.replace("{d}", str(rng.randint(1, 12)), 1)
        return template

    # ------------------------------------------------------------------ envelope

    def date_header(self, when: datetime.datetime) -> str:
        """An RFC 5322 §3.3 date, in the forms mailers write."""
        rng = self.rng
        zone = rng.choice(_ZONES)
        local = when.astimezone(datetime.timezone(datetime.timedelta(minutes=zone)))
        sign = "-" if zone < 0 else "+"
        text = (
            f"{local.day} {_MONTHS[local.month - 1]} {local.year} "
            f"{local.hour:02d}:{local.minute:02d}:{local.second:02d} "
            f"{sign}{abs(zone) // 60:02d}{abs(zone) % 60:02d}"
        )
        form = rng.random()
        if form < 0.85:
            text = f"{_WEEKDAYS[local.weekday()]}, {text}"
        if form > 0.9:
            text += " (UTC)" if zone == 0 else " (CET)" if zone == 60 else ""
        return text

    def subject(self) -> str | bytes | None:
        rng = self.rng
        kind = rng.random()
        if kind < 0.01:
            self.stats["subject NIL"] += 1
            return None
        if kind < 0.02:
            self.stats["subject empty"] += 1
            return ""
        if kind < 0.06:
            self.stats["subject with quote or backslash"] += 1
            return self.fill(rng.choice(_TOPICS_QUOTING))
        if kind < 0.16:
            self.stats["subject encoded-word"] += 1
            text = self.fill(rng.choice(_TOPICS_UTF8 + _TOPICS))
            return _encoded_word(text, rng.randrange(3))
        if kind < 0.22:
            self.stats["subject 8-bit literal"] += 1
            return self.fill(rng.choice(_TOPICS_UTF8))
        text = self.fill(rng.choice(_TOPICS))
        if rng.random() < 0.3:
            text = rng.choice(_PREFIXES) + text
        if rng.random() < 0.1:
            text = f"[{rng.choice(_LISTS)}] {text}"
        if rng.random() < 0.01:
            text = f"{text} -- " + " ".join(rng.choices(_TOPICS, k=8))  # a long one
        return text

    def person(self) -> tuple[str | bytes | None, str, str]:
        """(addr-name, addr-mailbox, addr-host) of someone."""
        rng = self.rng
        kind = rng.random()
        if kind < 0.08:
            name, local = rng.choice(_INTERNATIONAL)
            host = rng.choice(_HOSTS)
            if rng.random() < 0.3:
                self.stats["name 8-bit literal"] += 1
                return name, local, host
            self.stats["name encoded-word"] += 1
            return _encoded_word(name, rng.randrange(3)), local, host
        if kind < 0.18:
            service_name, local, host = rng.choice(_SERVICES)
            return service_name, local, host
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        local = rng.choice(
            (f"{first}.{last}".lower(), f"{first[0]}{last}".lower(), first.lower(), last.lower())
        )
        host = rng.choice(_HOSTS)
        if kind < 0.33:
            self.stats["name NIL"] += 1
            return None, local, host
        if kind < 0.36:
            return f"{last}, {first}", local, host
        if kind < 0.37:
            self.stats["name with quotes"] += 1
            return f'{first} "{first[:2]}" {last}', local, host
        if kind < 0.372:
            return f"{first} {last}", f"{first} {last}".lower(), host  # a quoted local part
        return f"{first} {last}", local, host

    def address(self, who: tuple[str | bytes | None, str, str]) -> bytes:
        name, mailbox, host = who
        return (
            b"("
            + self.nstring(name)
            + b" NIL "
            + self.string(mailbox)
            + b" "
            + self.string(host)
            + b")"
        )

    def addresses(self, people: Sequence[tuple[str | bytes | None, str, str]]) -> bytes:
        if not people:
            return b"NIL"
        return b"(" + b"".join(self.address(p) for p in people) + b")"

    def recipients(self, low: int, high: int) -> bytes:
        """An env-to/env-cc list: people, sometimes the owner, sometimes a group."""
        rng = self.rng
        kind = rng.random()
        if kind < 0.03:
            self.stats["group undisclosed-recipients"] += 1
            # RFC 3501 §7.4.2: a group starts with (NIL NIL "name" NIL), ends with all NIL.
            return b'((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL))'
        count = rng.randint(low, high) if rng.random() < 0.25 else low
        people = [self.person() for _ in range(count)]
        if kind < 0.05:
            self.stats["group with members"] += 1
            start = b"(NIL NIL " + self.string(rng.choice(("Team", "Project X", "all"))) + b" NIL)"
            members = b"".join(self.address(p) for p in people)
            others = b"".join(self.address(self.person()) for _ in range(rng.randint(0, 1)))
            return b"(" + start + members + b"(NIL NIL NIL NIL)" + others + b")"
        return self.addresses(people)

    def message_id(self, host: str) -> str:
        rng = self.rng
        kind = rng.randrange(5)
        token = base64.b64encode(rng.randbytes(24), altchars=b"+_").decode("ascii")
        if kind == 0:
            return f"<CA{token[:8]}+{token[8:30]}@mail.gmail.example>"
        if kind == 1:
            stamp = self.now.strftime("%Y%m%d%H%M%S")
            return f"<{stamp}.{rng.randint(1000, 99999)}-1-{token[:6].lower()}@{host}>"
        if kind == 2:
            hexes = rng.randbytes(16).hex()
            uuid = f"{hexes[:8]}-{hexes[8:12]}-{hexes[12:16]}-{hexes[16:20]}-{hexes[20:]}"
            return f"<{uuid}@{host}>"
        if kind == 3:
            return f"<0100018{rng.randbytes(20).hex()}-000000@email.amazonses.example>"
        return f"<{token[:20]}.{rng.randint(1, 9)}@{host}>"

    def envelope(self, sent: datetime.datetime) -> tuple[bytes | None, bytes]:
        """(subject octets, ENVELOPE) -- RFC 3501 §7.4.2, fields in their order."""
        rng = self.rng
        subject = self.subject()
        sender = self.person()
        mailing_list = rng.random() < 0.12
        from_ = self.addresses([sender])
        # Absent Sender / Reply-To: the server copies From (RFC 3501 §7.4.2).
        sender_field = reply_to = from_
        if mailing_list:
            list_name = rng.choice(_LISTS)
            sender_field = self.addresses([(None, f"{list_name}-bounces", "lists.example.org")])
            if rng.random() < 0.5:
                reply_to = self.addresses([(None, list_name, "lists.example.org")])
            to = self.addresses([(None, list_name, "lists.example.org")])
        elif rng.random() < 0.08:
            reply_to = self.addresses([self.person()])
            to = self.recipients(1, 6)
        elif rng.random() < 0.75:
            to = self.addresses([_OWNER, *[self.person() for _ in range(rng.choice((0, 0, 1, 3)))]])
        else:
            to = self.recipients(1, 12)
        cc = self.recipients(1, 8) if rng.random() < 0.25 else b"NIL"
        bcc = self.addresses([self.person()]) if rng.random() < 0.03 else b"NIL"
        in_reply_to = None
        text = subject.decode("utf-8") if isinstance(subject, bytes) else subject or ""
        if text.startswith(_PREFIXES[:3]) or rng.random() < 0.05:
            in_reply_to = self.message_id(sender[2])
            if rng.random() < 0.05:
                in_reply_to += " " + self.message_id(sender[2])
        message_id = None if rng.random() < 0.005 else self.message_id(sender[2])
        date = None if rng.random() < 0.002 else self.date_header(sent)
        envelope = b" ".join(
            (
                self.nstring(date),
                self.nstring(subject),
                from_,
                sender_field,
                reply_to,
                to,
                cc,
                bcc,
                self.nstring(in_reply_to),
                self.nstring(message_id),
            )
        )
        octets = subject.encode("utf-8") if isinstance(subject, str) else subject
        return octets, b"(" + envelope + b")"

    # ------------------------------------------------------------------ bodystructure

    def extension(self, fields: Sequence[bytes]) -> bytes:
        """The first ``style.extension`` of ``fields``, each after SP (RFC 3501 §9)."""
        return b"".join(b" " + f for f in fields[: self.style.extension])

    def disposition(self, kind: str, filename: str | None, size: int | None = None) -> bytes:
        """body-fld-dsp: ``("attachment" ("filename" "x.pdf"))``."""
        rng = self.rng
        pairs: list[tuple[str, str | bytes]] = []
        if filename is not None:
            if not filename.isascii():
                form = rng.random()
                if form < 0.4:
                    self.stats["filename RFC 2231"] += 1
                    encoded = "".join(
                        chr(b) if chr(b).isalnum() or chr(b) in ".-_" else f"%{b:02X}"
                        for b in filename.encode("utf-8")
                    )
                    pairs.append(("filename*", f"utf-8''{encoded}"))
                elif form < 0.7:
                    self.stats["filename encoded-word"] += 1
                    pairs.append(("filename", _encoded_word(filename, rng.randrange(3))))
                else:
                    self.stats["filename 8-bit literal"] += 1
                    pairs.append(("filename", filename))
            else:
                pairs.append(("filename", filename))
        if size is not None and rng.random() < 0.3:
            pairs.append(("size", str(size)))
        return b"(" + self.media(kind) + b" " + self.params(pairs) + b")"

    def language(self) -> bytes:
        rng = self.rng
        kind = rng.random()
        if kind < 0.9:
            return b"NIL"
        if kind < 0.97:
            return self.string(rng.choice(_LANGUAGES))
        return b"(" + b" ".join(self.string(lang) for lang in rng.sample(_LANGUAGES, 2)) + b")"

    def single(
        self,
        type_: str,
        subtype: str,
        params: Sequence[tuple[str, str | bytes]],
        encoding: str,
        octets: int,
        *,
        content_id: str | None = None,
        description: str | None = None,
        lines: int | None = None,
        message: tuple[bytes, bytes, int] | None = None,
        disposition: bytes = b"NIL",
        location: str | None = None,
    ) -> _Part:
        """body-type-basic / body-type-text / body-type-msg, then body-ext-1part."""
        rng = self.rng
        fields = [
            self.media(type_),
            self.media(subtype),
            self.params(params),
            self.nstring(content_id),
            self.nstring(description),
            self.media(encoding),
            b"%d" % octets,
        ]
        if message is not None:  # the envelope, body and lines of the encapsulated message
            fields.extend((message[0], message[1], b"%d" % message[2]))
        elif lines is not None:
            fields.append(b"%d" % lines)
        md5 = None
        if rng.random() < 0.005:
            md5 = base64.b64encode(rng.randbytes(16)).decode("ascii")
        ext = [self.nstring(md5), disposition, self.language(), self.nstring(location)]
        return b"(" + b" ".join(fields) + self.extension(ext) + b")", octets

    def text(self, subtype: str, low: int, high: int, charset: str | None = None) -> _Part:
        rng = self.rng
        octets = self.number(low, high)
        encoding = rng.choice(("7bit", "quoted-printable", "8bit", "base64", "7bit"))
        params: list[tuple[str, str | bytes]] = [("charset", charset or rng.choice(_CHARSETS))]
        if subtype == "plain" and rng.random() < 0.15:
            params += [("format", "flowed"), ("delsp", "yes")]
        width = 76 if encoding == "base64" else rng.randint(45, 78)
        return self.single("text", subtype, params, encoding, octets, lines=octets // width + 1)

    def attachment(self) -> _Part:
        rng = self.rng
        type_, subtype, template = rng.choice(_ATTACHMENTS)
        if rng.random() < 0.06:
            filename = self.fill(rng.choice(_FILENAMES_UTF8))
        else:
            filename = self.fill(template)
        raw = self.number(300, 400_000) if rng.random() < 0.9 else self.number(400_000, 8_000_000)
        octets = raw * 4 // 3 + raw // 57 * 2  # base64 in 76-character lines
        disposition = self.disposition("attachment", filename, raw)
        params: list[tuple[str, str | bytes]] = [("name", filename)] if filename.isascii() else []
        self.stats["attachments"] += 1
        if type_ == "text":
            return self.single(
                type_,
                subtype,
                [("charset", "utf-8"), *params],
                "base64",
                octets,
                lines=octets // 78 + 1,
                disposition=disposition,
            )
        return self.single(type_, subtype, params, "base64", octets, disposition=disposition)

    def inline_image(self, index: int) -> _Part:
        rng = self.rng
        name = f"image{index:03d}.png"
        stamp = rng.randbytes(4).hex().upper()
        raw = self.number(800, 60_000)
        location = None
        if rng.random() < 0.1:
            location = f"https://cdn.example.com/newsletter/{stamp.lower()}/{name}"
        return self.single(
            "image",
            "png",
            [("name", name)],
            "base64",
            raw * 4 // 3,
            content_id=f"<{name}@01D9{stamp}.{rng.randbytes(4).hex().upper()}>",
            disposition=self.disposition("inline", name),
            location=location,
        )

    def multipart(self, subtype: str, parts: Sequence[_Part], extra: Sequence[str] = ()) -> _Part:
        """body-type-mpart: the parts with no SP between them, then body-ext-mpart."""
        rng = self.rng
        boundary = self.boundary()
        params: list[tuple[str, str | bytes]] = [("boundary", boundary)]
        params += [(extra[i], extra[i + 1]) for i in range(0, len(extra), 2)]
        ext = [self.params(params), b"NIL", b"NIL", b"NIL"]
        overhead = sum(rng.randint(60, 240) for _ in parts) + (len(boundary) + 6) * (len(parts) + 1)
        octets = sum(octets for _, octets in parts) + overhead
        wire = b"(" + b"".join(w for w, _ in parts) + b" " + self.media(subtype)
        return wire + self.extension(ext) + b")", octets

    def boundary(self) -> str:
        rng = self.rng
        kind = rng.randrange(6)
        if kind == 0:
            return "000000000000" + rng.randbytes(6).hex()
        if kind == 1:
            part, serial = rng.randint(1, 99999), rng.randint(1, 2**31)
            return f"----=_Part_{part}_{serial}.{rng.randint(10**12, 10**13)}"
        if kind == 2:
            return f"Apple-Mail={rng.randbytes(16).hex().upper()}"
        if kind == 3:
            server = f"DB9PR0{rng.randint(1, 9)}MB{rng.randint(1000, 9999)}"
            return f"_000_{server}{rng.randbytes(4).hex().upper()}_"
        if kind == 4:
            return f"==============={rng.randint(10**18, 10**19)}=="
        return f"b1_{rng.randbytes(16).hex()}"

    def alternative(self) -> _Part:
        return self.multipart(
            "alternative", [self.text("plain", 80, 6000), self.text("html", 600, 90_000)]
        )

    def related(self) -> _Part:
        html = self.text("html", 2000, 120_000)
        images = [self.inline_image(i + 1) for i in range(self.rng.randint(1, 5))]
        related = self.multipart("related", [html, *images], ("type", "text/html"))
        return self.multipart("alternative", [self.text("plain", 200, 8000), related])

    def encapsulated(self) -> _Part:
        """message/rfc822: basic fields, then the envelope, body and lines of the message."""
        rng = self.rng
        sent = self.now - datetime.timedelta(days=rng.randint(1, 300))
        _, envelope = self.envelope(sent)
        inner = self.text("plain", 200, 9000) if rng.random() < 0.5 else self.alternative()
        header = rng.randint(600, 4000)
        octets = header + inner[1]
        lines = octets // 60 + 1
        return self.single(
            "message",
            "rfc822",
            [],
            "7bit",
            octets,
            message=(envelope, inner[0], lines),
            description=None if rng.random() < 0.8 else "Forwarded message",
        )

    def bodystructure(self) -> tuple[bytes, str, int]:
        """A message's BODYSTRUCTURE, its kind, and the octets of its body."""
        rng = self.rng
        kind = rng.choices(
            (
                "text/plain",
                "text/html",
                "multipart/alternative",
                "multipart/mixed",
                "multipart/related",
                "text/calendar invitation",
                "message/rfc822 forward",
                "multipart/report",
            ),
            (30, 5, 30, 17, 8, 2, 5, 3),
        )[0]
        if kind == "text/plain":
            part = self.text("plain", 40, 12_000)
        elif kind == "text/html":
            part = self.text("html", 500, 80_000)
        elif kind == "multipart/alternative":
            part = self.alternative()
        elif kind == "multipart/mixed":
            first = self.alternative() if rng.random() < 0.6 else self.text("plain", 80, 5000)
            attachments = [self.attachment() for _ in range(rng.choice((1, 1, 1, 2, 3, 5)))]
            part = self.multipart("mixed", [first, *attachments])
        elif kind == "multipart/related":
            part = self.related()
        elif kind == "text/calendar invitation":
            calendar = self.single(
                "text",
                "calendar",
                [("charset", "utf-8"), ("method", "REQUEST")],
                "7bit",
                octets := self.number(1500, 6000),
                lines=octets // 70 + 1,
            )
            ics = self.single(
                "application",
                "ics",
                [("name", "invite.ics")],
                "base64",
                octets * 4 // 3,
                disposition=self.disposition("attachment", "invite.ics"),
            )
            inner = self.multipart(
                "alternative",
                [self.text("plain", 200, 2000), self.text("html", 800, 9000), calendar],
            )
            part = self.multipart("mixed", [inner, ics])
        elif kind == "message/rfc822 forward":
            part = self.multipart("mixed", [self.text("plain", 40, 2000), self.encapsulated()])
        else:  # a delivery status notification (RFC 3464)
            status = self.single("message", "delivery-status", [], "7bit", self.number(300, 900))
            original = (
                self.encapsulated()
                if rng.random() < 0.5
                else self.single(
                    "text",
                    "rfc822-headers",
                    [("charset", "us-ascii")],
                    "7bit",
                    octets := self.number(600, 3000),
                    lines=octets // 70 + 1,
                )
            )
            part = self.multipart(
                "report",
                [self.text("plain", 300, 1500, "us-ascii"), status, original],
                ("report-type", "delivery-status"),
            )
        return part[0], kind, part[1]


# --------------------------------------------------------------------------- checker


class FixtureError(ValueError):
    """The bytes break the grammar (RFC 3501 §9) at ``offset``."""


_NZ_NUMBER = re.compile(rb"[1-9][0-9]*")
_NUMBER = re.compile(rb"[0-9]+")
# QUOTED-CHAR = <any TEXT-CHAR except quoted-specials> / "\" quoted-specials
_QUOTED = re.compile(rb'"((?:[\x01-\x09\x0b\x0c\x0e-\x21\x23-\x5b\x5d-\x7f]|\\["\\])*)"')
_LITERAL = re.compile(rb"\{([0-9]+)\}\r\n")
# atom = 1*ATOM-CHAR: CHAR except ( ) { SP CTL % * " \ ]
_ATOM = rb"[\x21\x23\x24\x26\x27\x2b-\x5b\x5e-\x7a\x7c-\x7e]+"
# flag-fetch = flag / "\Recent"; flag = "\Seen" ... / flag-keyword (atom) / flag-extension
_FLAG = re.compile(rb"\\?" + _ATOM)
_MONTH = b"|".join(m.encode("ascii") for m in _MONTHS)
_DATE_TIME = re.compile(
    rb'"(?: [1-9]|[0-3][0-9])-(?:' + _MONTH + rb")-[0-9]{4} "
    rb'[0-2][0-9]:[0-5][0-9]:[0-6][0-9] [+-][0-9]{4}"'
)
# tag = 1*<any ASTRING-CHAR except "+">; resp-text = ["[" resp-text-code "]" SP] text
_TAGGED = re.compile(
    rb"([\x21\x23\x24\x26\x27\x2c-\x5b\x5d-\x7a\x7c-\x7e]+) OK ([\x01-\x09\x0b\x0c\x0e-\x7f]+)\r\n"
)
_ATT_NAME = re.compile(rb"[A-Za-z0-9.]+")
_MAX_NUMBER = 2**32  # RFC 3501 §9: number is an unsigned 32-bit integer


class _Checker:
    """A strict recursive-descent reader of the productions the fixture uses."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def fail(self, expected: str) -> FixtureError:
        found = self.data[self.pos : self.pos + 40]
        return FixtureError(f"offset {self.pos}: expected {expected}, found {found!r}")

    def expect(self, token: bytes) -> None:
        if not self.data.startswith(token, self.pos):
            raise self.fail(repr(token))
        self.pos += len(token)

    def peek(self, token: bytes) -> bool:
        return self.data.startswith(token, self.pos)

    def match(self, pattern: re.Pattern[bytes], what: str) -> re.Match[bytes]:
        found = pattern.match(self.data, self.pos)
        if found is None:
            raise self.fail(what)
        self.pos = found.end()
        return found

    def number(self, nonzero: bool = False) -> int:
        value = int(self.match(_NZ_NUMBER if nonzero else _NUMBER, "a number").group())
        if value >= _MAX_NUMBER:
            raise self.fail("a 32-bit number")
        return value

    def string(self) -> bytes:
        """string = quoted / literal."""
        if self.peek(b'"'):
            return re.sub(rb"\\(.)", rb"\1", self.match(_QUOTED, "a quoted string").group(1))
        length = int(self.match(_LITERAL, "a string").group(1))
        value = self.data[self.pos : self.pos + length]
        if len(value) != length or b"\0" in value:  # CHAR8 = %x01-ff
            raise self.fail(f"{length} literal octets")
        self.pos += length
        return value

    def nstring(self) -> bytes | None:
        if self.peek(b"NIL"):
            self.pos += 3
            return None
        return self.string()

    def response(self) -> int:
        """``* n FETCH msg-att CRLF``; returns n."""
        self.expect(b"* ")
        seq = self.number(nonzero=True)
        self.expect(b" FETCH (")
        seen: set[bytes] = set()
        while True:
            name = self.match(_ATT_NAME, "a msg-att name").group().upper()
            if name in seen:
                raise self.fail(f"{name!r} only once")
            seen.add(name)
            self.expect(b" ")
            if name == b"UID":
                self.number(nonzero=True)
            elif name == b"RFC822.SIZE":
                self.number()
            elif name == b"INTERNALDATE":
                self.match(_DATE_TIME, "a date-time")
            elif name == b"FLAGS":
                self.flags()
            elif name == b"ENVELOPE":
                self.envelope()
            elif name == b"BODYSTRUCTURE":
                self.body(0)
            else:
                raise self.fail("UID/FLAGS/INTERNALDATE/RFC822.SIZE/ENVELOPE/BODYSTRUCTURE")
            if self.peek(b")"):
                break
            self.expect(b" ")
        self.expect(b")\r\n")
        return seq

    def flags(self) -> None:
        self.expect(b"(")
        if not self.peek(b")"):
            self.match(_FLAG, "a flag")
            while self.peek(b" "):
                self.pos += 1
                self.match(_FLAG, "a flag")
        self.expect(b")")

    def envelope(self) -> None:
        """envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to
        SP env-to SP env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")"."""
        self.expect(b"(")
        self.nstring()
        self.expect(b" ")
        self.nstring()
        for _ in range(6):
            self.expect(b" ")
            self.address_list()
        self.expect(b" ")
        self.nstring()
        self.expect(b" ")
        self.nstring()
        self.expect(b")")

    def address_list(self) -> None:
        """env-from etc.: ``"(" 1*address ")" / nil``, group markers balanced (RFC 3501 §7.4.2)."""
        if self.peek(b"NIL"):
            self.pos += 3
            return
        self.expect(b"(")
        in_group = False
        while True:
            self.expect(b"(")
            self.nstring()  # addr-name
            self.expect(b" ")
            self.nstring()  # addr-adl
            self.expect(b" ")
            mailbox = self.nstring()
            self.expect(b" ")
            host = self.nstring()
            self.expect(b")")
            if host is None:
                if (mailbox is None) != in_group:
                    raise self.fail("balanced group markers")
                in_group = not in_group
            elif mailbox is None:
                raise self.fail("a mailbox for a host")
            if not self.peek(b"("):
                break
        if in_group:
            raise self.fail("the end of the group")
        self.expect(b")")

    def param_list(self) -> None:
        """body-fld-param = "(" string SP string *(SP string SP string) ")" / nil."""
        if self.peek(b"NIL"):
            self.pos += 3
            return
        self.expect(b"(")
        while True:
            self.string()
            self.expect(b" ")
            self.string()
            if not self.peek(b" "):
                break
            self.pos += 1
        self.expect(b")")

    def extension(self, first: str) -> None:
        """[SP first [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc ...]]]]."""
        if not self.peek(b" "):
            return
        self.pos += 1
        if first == "md5":
            self.nstring()
        else:
            self.param_list()
        if not self.peek(b" "):
            return
        self.pos += 1
        if self.peek(b"NIL"):  # body-fld-dsp = "(" string SP body-fld-param ")" / nil
            self.pos += 3
        else:
            self.expect(b"(")
            self.string()
            self.expect(b" ")
            self.param_list()
            self.expect(b")")
        if not self.peek(b" "):
            return
        self.pos += 1
        if self.peek(b"("):  # body-fld-lang = nstring / "(" string *(SP string) ")"
            self.pos += 1
            self.string()
            while self.peek(b" "):
                self.pos += 1
                self.string()
            self.expect(b")")
        else:
            self.nstring()
        if not self.peek(b" "):
            return
        self.pos += 1
        self.nstring()  # body-fld-loc; no body-extension is defined, the fixture has none

    def body(self, depth: int) -> None:
        """body = "(" (body-type-1part / body-type-mpart) ")"."""
        if depth > 20:
            raise self.fail("less nesting")
        self.expect(b"(")
        if self.peek(b"("):  # body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
            while self.peek(b"("):
                self.body(depth + 1)
            self.expect(b" ")
            self.string()
            self.extension("param")
            self.expect(b")")
            return
        quoted = self.peek(b'"')
        media = self.string().upper()
        self.expect(b" ")
        subtype = self.string().upper()
        self.expect(b" ")  # body-fields
        self.param_list()
        self.expect(b" ")
        self.nstring()  # body-fld-id
        self.expect(b" ")
        self.nstring()  # body-fld-desc
        self.expect(b" ")
        self.string()  # body-fld-enc
        self.expect(b" ")
        self.number()  # body-fld-octets
        if media == b"MESSAGE" and subtype == b"RFC822":
            # body-type-msg: media-message is DQUOTE "MESSAGE" DQUOTE SP DQUOTE "RFC822" DQUOTE
            if not quoted:
                raise self.fail("a quoted MESSAGE/RFC822")
            self.expect(b" ")
            self.envelope()
            self.expect(b" ")
            self.body(depth + 1)
            self.expect(b" ")
            self.number()  # body-fld-lines
        elif media == b"TEXT":  # body-type-text: media-text is DQUOTE "TEXT" DQUOTE
            if not quoted:
                raise self.fail('a quoted "TEXT"')
            self.expect(b" ")
            self.number()
        self.extension("md5")
        self.expect(b")")


def check_fetch_response(data: bytes, tag: str = TAG) -> int:
    """Check ``data`` against RFC 3501 §9, strictly; return the number of FETCH responses.

    Raises :class:`FixtureError` at the first octet that breaks the grammar. Sequence numbers
    must run 1, 2, 3 ... and the tagged OK must carry ``tag``.
    """
    checker = _Checker(data)
    count = 0
    while checker.peek(b"* "):
        count += 1
        if checker.response() != count:
            raise FixtureError(f"FETCH response {count} has another sequence number")
    found = checker.match(_TAGGED, "the tagged OK")
    if found.group(1).decode("ascii") != tag:
        raise FixtureError(f"the tagged OK carries {found.group(1)!r}, not {tag!r}")
    if checker.pos != len(data):
        raise checker.fail("the end")
    return count


def describe(fixture: FetchFixture) -> str:
    """Size and composition, for the benchmark's header and ``main()``."""
    count = len(fixture.messages)
    size = len(fixture.data)
    lines = [
        f"{count:,} FETCH responses, {size:,} octets ({size / 1e6:.1f} MB, "
        f"{size / count:,.0f} per response), {fixture.literals:,} literals"
    ]
    parts = [f"{name} {value:,}" for name, value in fixture.composition.items()]
    lines += textwrap.wrap(", ".join(parts), width=92, break_on_hyphens=False)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--dump", action="store_true", help="write the bytes to stdout")
    args = parser.parse_args()
    start = time.perf_counter()
    fixture = build_fetch_response(args.messages, args.seed)
    built = time.perf_counter() - start
    if args.dump:
        sys.stdout.buffer.write(fixture.data)
        return
    print(f"# {COMMAND.decode('ascii').strip()}  (seed {args.seed}, built in {built:.2f} s)")
    print(describe(fixture))
    start = time.perf_counter()
    count = check_fetch_response(fixture.data)
    print(f"grammar check (RFC 3501 §9): {count:,} FETCH responses valid, "
          f"{time.perf_counter() - start:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
