"""Messages for the MIME tests: real-world shapes built with the stdlib ``email`` package, and
hand-written edge cases.

``corpus()`` returns ``{name: bytes}``. The stdlib picks random boundaries, so the bytes differ
from run to run; what the tests assert about them holds for any boundary.
"""

from __future__ import annotations

import email.policy
from collections.abc import Callable
from email.message import EmailMessage

from pymailproto.mime import MISSING_DOMAIN, MISSING_MAILBOX, Address

SMTP = email.policy.SMTP  # CRLF, encoded-words for non-ASCII headers
SMTPUTF8 = email.policy.SMTPUTF8  # CRLF, raw UTF-8 headers (RFC 6532)
LF = email.policy.default  # bare LF line endings

# An 8-octet GIF header and a few more octets: an "image".
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04"


def _message(policy: email.policy.Policy = SMTP, **headers: str) -> EmailMessage:
    msg = EmailMessage(policy=policy)
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    return msg


def alternative() -> EmailMessage:
    msg = _message(From="Alice <alice@example.org>", To="bob@example.org", Subject="alt")
    msg.set_content("Hello Bob,\n\nplain text.\n")
    msg.add_alternative("<p>Hello Bob,</p><p>html.</p>\n", subtype="html")
    return msg


def mixed_with_attachments() -> EmailMessage:
    msg = _message(From="alice@example.org", To="bob@example.org", Subject="files")
    msg.set_content("See the attachments.\n")
    msg.add_attachment(
        b"%PDF-1.4\n" + bytes(range(256)),
        maintype="application",
        subtype="pdf",
        filename="report.pdf",
    )
    msg.add_attachment(GIF, maintype="image", subtype="gif", filename="dot.gif")
    msg.add_attachment("a,b\n1,2\n", subtype="csv", filename="data.csv")
    return msg


def nested() -> EmailMessage:
    """mixed[alternative[plain, related[html, image]], attachment]."""
    msg = _message(From="alice@example.org", To="bob@example.org", Subject="nested")
    msg.set_content("plain body\n")
    msg.add_alternative('<p>html body <img src="cid:dot"></p>\n', subtype="html")
    html = list(msg.iter_parts())[1]
    assert isinstance(html, EmailMessage)
    html.add_related(GIF, maintype="image", subtype="gif", cid="<dot>")
    msg.add_attachment(
        b"\x00\x01\x02", maintype="application", subtype="octet-stream", filename="blob.bin"
    )
    return msg


def forwarded() -> EmailMessage:
    """A message/rfc822 part holding a multipart message."""
    inner = _message(
        From="carol@example.org",
        To="alice@example.org",
        Subject="original",
        Date="Mon, 1 Jan 2024 10:00:00 +0000",
        Message_ID="<orig@example.org>",
    )
    inner.set_content("the original text\n")
    inner.add_attachment(
        b"inner attachment", maintype="application", subtype="octet-stream", filename="inner.bin"
    )
    msg = _message(From="alice@example.org", To="bob@example.org", Subject="Fwd: original")
    msg.set_content("Forwarding this.\n")
    msg.add_attachment(inner)
    return msg


def encoded_words() -> EmailMessage:
    msg = _message(
        From="Jörg Müller <joerg@example.org>",
        To='Friends: a@example.org, "C D" <c@example.org>;',
        Subject="Grüße aus Köln, a rather long subject line that will need folding somewhere",
    )
    msg.set_content("Grüße\n")
    msg.add_attachment(
        b"data",
        maintype="application",
        subtype="octet-stream",
        filename="naïve résumé with a very long name that goes on and on.txt",
    )
    return msg


def utf8_headers() -> EmailMessage:
    msg = _message(SMTPUTF8, From="Jörg <jörg@example.org>", To="zoë@example.org", Subject="Grüße")
    msg.set_content("Grüße, 8-bit body\n", cte="8bit")
    return msg


def empty_parts() -> EmailMessage:
    msg = _message(From="alice@example.org", Subject="empty")
    msg.set_content("")
    msg.add_attachment(b"", maintype="application", subtype="octet-stream", filename="empty")
    msg.add_attachment("", subtype="plain")
    return msg


def bare_lf() -> EmailMessage:
    msg = _message(LF, From="alice@example.org", To="bob@example.org", Subject="lf")
    msg.set_content("line one\nline two\n")
    msg.add_attachment(GIF, maintype="image", subtype="gif", filename="dot.gif")
    return msg


def single_part() -> EmailMessage:
    msg = _message(From="alice@example.org", To="bob@example.org", Subject="one part")
    msg.set_content("Just text.\n")
    return msg


BUILDERS: dict[str, Callable[[], EmailMessage]] = {
    "alternative": alternative,
    "mixed_with_attachments": mixed_with_attachments,
    "nested": nested,
    "forwarded": forwarded,
    "encoded_words": encoded_words,
    "utf8_headers": utf8_headers,
    "empty_parts": empty_parts,
    "bare_lf": bare_lf,
    "single_part": single_part,
}


# RFC 9051 §6.4.5's example of a complex message, written out so that every section is short
# and recognisable.
RFC9051_EXAMPLE = (
    b"From: Terry Gray <gray@cac.washington.edu>\r\n"
    b"To: imap@cac.washington.edu\r\n"
    b"Subject: sections\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: MULTIPART/MIXED; BOUNDARY="outer"\r\n'
    b"\r\n"
    b"preamble\r\n"
    b"--outer\r\n"
    b"Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n"
    b"\r\n"
    b"Part 1.\r\n"
    b"--outer\r\n"
    b"Content-Type: APPLICATION/OCTET-STREAM\r\n"
    b"Content-Transfer-Encoding: BASE64\r\n"
    b"\r\n"
    b"UGFydCAyLg==\r\n"
    b"--outer\r\n"
    b"Content-Type: MESSAGE/RFC822\r\n"
    b"\r\n"
    b"From: a@example.org\r\n"
    b"Subject: part 3\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: MULTIPART/MIXED; BOUNDARY="m3"\r\n'
    b"\r\n"
    b"--m3\r\n"
    b"\r\n"
    b"Part 3.1.\r\n"
    b"--m3\r\n"
    b"Content-Type: APPLICATION/OCTET-STREAM\r\n"
    b"\r\n"
    b"Part 3.2.\r\n"
    b"--m3--\r\n"
    b"--outer\r\n"
    b'Content-Type: MULTIPART/MIXED; BOUNDARY="m4"\r\n'
    b"\r\n"
    b"--m4\r\n"
    b"Content-Type: IMAGE/GIF\r\n"
    b"Content-Transfer-Encoding: BASE64\r\n"
    b"\r\n"
    b"R0lGODlh\r\n"
    b"--m4\r\n"
    b"Content-Type: MESSAGE/RFC822\r\n"
    b"\r\n"
    b"From: b@example.org\r\n"
    b"Subject: part 4.2\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: MULTIPART/MIXED; BOUNDARY="m42"\r\n'
    b"\r\n"
    b"--m42\r\n"
    b"Content-Type: TEXT/PLAIN\r\n"
    b"\r\n"
    b"Part 4.2.1.\r\n"
    b"--m42\r\n"
    b'Content-Type: MULTIPART/ALTERNATIVE; BOUNDARY="m422"\r\n'
    b"\r\n"
    b"--m422\r\n"
    b"Content-Type: TEXT/PLAIN\r\n"
    b"\r\n"
    b"Part 4.2.2.1.\r\n"
    b"--m422\r\n"
    b"Content-Type: TEXT/RICHTEXT\r\n"
    b"\r\n"
    b"Part 4.2.2.2.\r\n"
    b"--m422--\r\n"
    b"--m42--\r\n"
    b"--m4--\r\n"
    b"--outer--\r\n"
    b"epilogue\r\n"
)

# A multipart/digest whose parts have no Content-Type: message/rfc822 by default.
DIGEST = (
    b"From: list@example.org\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/digest; boundary="d"\r\n'
    b"\r\n"
    b"--d\r\n"
    b"\r\n"
    b"From: one@example.org\r\n"
    b"Subject: first\r\n"
    b"\r\n"
    b"first body\r\n"
    b"--d\r\n"
    b"Content-Type: text/plain\r\n"
    b"\r\n"
    b"an explicit text part\r\n"
    b"--d--\r\n"
)


def corpus() -> dict[str, bytes]:
    """Every corpus message, by name."""
    found = {name: build().as_bytes() for name, build in BUILDERS.items()}
    found["rfc9051_example"] = RFC9051_EXAMPLE
    found["digest"] = DIGEST
    return found


# Dovecot's message parser vectors (lib-mail/test-message-parser.c), bare LF as there: the
# (offset, header size, header lines, body size, body lines) of each part, depth first.
# Dovecot's childless multiparts are ours with one empty text/plain part (truncated_mime_headers2
# and 3, empty_multipart).
DOVECOT_PARSER_VECTORS: dict[str, tuple[bytes, list[tuple[int, int, int, int, int]]]] = {
    "truncated_mime_headers": (
        b'Content-Type: multipart/mixed; boundary=":foo"\n\n--:foo\n--:foo\n'
        b"Content-Type: text/plain\n--:foo\nContent-Type: text/plain\r\n--:foo\n"
        b"Content-Type: text/html\n--:foo--\n",
        [
            (0, 48, 2, 112, 8),
            (55, 0, 0, 0, 0),
            (62, 24, 0, 0, 0),
            (94, 24, 0, 0, 0),
            (127, 23, 0, 0, 0),
        ],
    ),
    "truncated_mime_headers2": (
        b'Content-Type: multipart/mixed; boundary="ab"\n\n--ab\n'
        b'Content-Type: multipart/mixed; boundary="a"\n\n--ab\n'
        b"Content-Type: text/plain\n\n--a\n\n",
        # Dovecot's childless multipart is ours with one empty text/plain part (95, 0...).
        [(0, 46, 2, 86, 8), (51, 44, 1, 0, 0), (95, 0, 0, 0, 0), (101, 26, 2, 5, 2)],
    ),
    "truncated_mime_headers3": (
        b'Content-Type: multipart/mixed; boundary="ab"\n',
        [(0, 45, 1, 0, 0), (45, 0, 0, 0, 0)],
    ),
    "empty_multipart": (
        b'Content-Type: multipart/mixed; boundary="ab"\n\nbody\n',
        [(0, 46, 2, 5, 1), (51, 0, 0, 0, 0)],
    ),
    "duplicate_mime_boundary": (
        b'Content-Type: multipart/mixed; boundary="a"\n\n--a\n'
        b'Content-Type: multipart/mixed; boundary="a"\n\n--a\n'
        b"Content-Type: text/plain\n\nbody\n",
        [(0, 45, 2, 84, 7), (49, 45, 2, 35, 4), (98, 26, 2, 5, 1)],
    ),
    "garbage_suffix_mime_boundary": (
        b'Content-Type: multipart/mixed; boundary="a"\n\n--ab\n'
        b'Content-Type: multipart/mixed; boundary="a"\n\n--ac\n'
        b"Content-Type: text/plain\n\nbody\n",
        [(0, 45, 2, 86, 7), (50, 45, 2, 36, 4), (100, 26, 2, 5, 1)],
    ),
    "continuing_mime_boundary": (
        b'Content-Type: multipart/mixed; boundary="a"\n\n--a\n'
        b'Content-Type: multipart/mixed; boundary="ab"\n\n--ab\n'
        b"Content-Type: text/plain\n\nbody\n",
        [(0, 45, 2, 86, 7), (49, 46, 2, 36, 4), (100, 26, 2, 5, 1)],
    ),
    "continuing_truncated_mime_boundary": (
        b'Content-Type: multipart/mixed; boundary="a"\n\n--a\n'
        b'Content-Type: multipart/mixed; boundary="ab"\nMIME-Version: 1.0\n--ab\n'
        b"Content-Type: text/plain\n\n--ab--\n--a--\n\n",
        [
            (0, 45, 2, 112, 9),
            (49, 62, 1, 0, 0),
            (111, 0, 0, 0, 0),
            (117, 25, 1, 0, 0),
            (150, 0, 0, 0, 0),
        ],
    ),
    "no_eoh": (b"a:b\n", [(0, 4, 1, 0, 0)]),
}


# RFC 5322 §3.4 address lists and how they read (in Dovecot's way: see pymailproto.mime).
ADDRESS_LISTS: list[tuple[str, tuple[Address, ...]]] = [
    ("", ()),
    ("  ", ()),
    ("(only a comment)", ()),
    ("a@b", (Address(None, None, b"a", b"b"),)),
    ('"Doe, John" <john@x.example>', (Address(b"Doe, John", None, b"john", b"x.example"),)),
    ("John Q. Public <jqp@x>", (Address(b"John Q. Public", None, b"jqp", b"x"),)),
    ('"Joe"Smith <j@x>', (Address(b"Joe Smith", None, b"j", b"x"),)),
    ("<j@x>", (Address(None, None, b"j", b"x"),)),
    ("j@x (Joe (the) Man)", (Address(b"Joe (the) Man", None, b"j", b"x"),)),
    ("(first) j@x (second)", (Address(b"second", None, b"j", b"x"),)),
    ("j@x (a \\) b)", (Address(b"a ) b", None, b"j", b"x"),)),
    ('"john doe"@x', (Address(None, None, b"john doe", b"x"),)),
    ('"a\\"b"@x', (Address(None, None, b'a"b', b"x"),)),
    ("john . doe @ x . example", (Address(None, None, b"john.doe", b"x.example"),)),
    ("u@[192.0.2.1]", (Address(None, None, b"u", b"[192.0.2.1]"),)),
    ("<@r1.example,@r2.example:u@h>", (Address(None, b"@r1.example,@r2.example", b"u", b"h"),)),
    ("<@r1:u@h", (Address(None, b"@r1", b"u", b"h"),)),
    ("<@r1 u@h>", (Address(None, None, MISSING_MAILBOX, b"r1u"),)),  # a route without ":"
    ("foo", (Address(None, None, b"foo", MISSING_DOMAIN),)),
    ("Name <>", (Address(b"Name", None, MISSING_MAILBOX, MISSING_DOMAIN),)),
    ("@x", (Address(None, None, MISSING_MAILBOX, b"x"),)),
    (
        "a@b, , c@d,",
        (Address(None, None, b"a", b"b"), Address(None, None, b"c", b"d")),
    ),
    (
        "undisclosed-recipients:;",
        (Address(None, None, b"undisclosed-recipients", None), Address(None, None, None, None)),
    ),
    (
        'A Group: "Ed" <ed@x>, f@y; g@z',
        (
            Address(None, None, b"A Group", None),
            Address(b"Ed", None, b"ed", b"x"),
            Address(None, None, b"f", b"y"),
            Address(None, None, None, None),
            Address(None, None, b"g", b"z"),
        ),
    ),
    (
        "open: a@b, c@d",  # no ";": the group still ends
        (
            Address(None, None, b"open", None),
            Address(None, None, b"a", b"b"),
            Address(None, None, b"c", b"d"),
            Address(None, None, None, None),
        ),
    ),
    (
        ": a@b;",
        (
            Address(None, None, b"", None),
            Address(None, None, b"a", b"b"),
            Address(None, None, None, None),
        ),
    ),
    (
        "g: a@b: c@d;",
        (
            Address(None, None, b"g", None),
            Address(None, None, b"a", b"b"),
            Address(None, None, b"c", b"d"),
            Address(None, None, None, None),
        ),
    ),
    ('"unterminated <u@h>', (Address(None, None, b"unterminated <u@h>", MISSING_DOMAIN),)),
    ("a@b: c@d", (Address(None, None, b"a", b"b"),)),  # the domain ends at the junk
    ("(unterminated u@h", ()),
    ("a\\b@c, ]d@e", (Address(None, None, b"ab", b"c"), Address(None, None, b"d", b"e"))),
    (
        "=?utf-8?q?J=C3=B6rg?= <j@x>",
        (Address(b"=?utf-8?q?J=C3=B6rg?=", None, b"j", b"x"),),
    ),
]
