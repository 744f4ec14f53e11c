"""pymailproto.mime: structure, section spans, envelopes, and how broken mail degrades."""

from __future__ import annotations

import email
import email.policy
import email.utils
from email.message import Message

import pytest

from pymailproto.mime import (
    Address,
    MessageStructure,
    Part,
    Span,
    decode_text,
    envelope,
    header_fields,
    parse_message,
)
from tests import mime_corpus

CORPUS = mime_corpus.corpus()


def crlf(text: str) -> bytes:
    """A message written with LF in the test, sent with CRLF."""
    return text.encode("utf-8").replace(b"\n", b"\r\n")


def sections(data: bytes, structure: MessageStructure) -> dict[str, bytes]:
    """Every numbered part's BODY[n], by its dotted section number."""
    return {".".join(map(str, path)): part.body.of(data) for path, part in structure.walk()}


def check_invariants(data: bytes, structure: MessageStructure, max_depth: int = 100) -> int:
    """The promises of the package docstring; returns how many parts there are."""
    count = 0

    def visit(part: Part, low: int, high: int, depth: int) -> None:
        nonlocal count
        count += 1
        assert depth <= max_depth
        assert low <= part.header.start <= part.header.end == part.body.start
        assert part.body.start <= part.body.end <= high
        assert part.lines == data.count(b"\n", part.body.start, part.body.end)
        assert part.type == part.type.lower()
        assert part.subtype == part.subtype.lower()
        assert (part.type == b"multipart") == bool(part.children)
        is_message = part.type == b"message" and part.subtype in (b"rfc822", b"global")
        assert (part.message is not None) == is_message
        if part.type == b"text":
            assert any(name.lower() == b"charset" for name, _ in part.params)
        pos = part.body.start
        for child in part.children:
            visit(child, pos, part.body.end, depth + 1)
            pos = child.body.end
        if part.message is not None:
            root = part.message.root
            assert root.header.start == part.body.start
            assert root.body.end == part.body.end
            visit(root, part.body.start, part.body.end, depth + 1)

    visit(structure.root, 0, len(data), 0)
    assert structure.span == Span(0, len(data))
    for path, part in structure.walk():
        assert structure.part(path) is part
        assert structure.section(path) == part.body
        assert structure.section(path, "MIME") == part.header
    return count


def compare_with_stdlib(data: bytes, ours: Part, theirs: Message) -> None:
    """Our tree has the stdlib's shape, types, and each leaf body is the stdlib's payload."""
    assert ours.media_type == theirs.get_content_type()
    if theirs.get_content_type() in ("message/rfc822", "message/global"):
        assert ours.message is not None
        [inner] = subparts(theirs)
        compare_with_stdlib(data, ours.message.root, inner)
    elif theirs.is_multipart():
        parts = subparts(theirs)
        assert len(ours.children) == len(parts)
        for child, part in zip(ours.children, parts, strict=True):
            compare_with_stdlib(data, child, part)
    else:
        assert ours.body.of(data) == raw_payload(theirs)


def subparts(msg: Message) -> list[Message]:
    payload = msg.get_payload()
    assert isinstance(payload, list)
    return [part for part in payload if isinstance(part, Message)]


def raw_payload(part: Message) -> bytes:
    """A leaf's payload as it was sent. ``get_payload()`` re-decodes 8-bit text in its charset;
    ``decode=True`` returns the octets unless there is a transfer encoding to undo."""
    if part.get("Content-Transfer-Encoding", "").strip().lower() in ("base64", "quoted-printable"):
        payload = part.get_payload()
        assert isinstance(payload, str)
        return payload.encode("ascii")
    raw = part.get_payload(decode=True)
    assert isinstance(raw, bytes)
    return raw


def stdlib_parse(data: bytes) -> Message:
    return email.message_from_bytes(data, policy=email.policy.compat32)


# --- RFC 9051 §6.4.5: the example message, section by section ------------------------------------

EXAMPLE = mime_corpus.RFC9051_EXAMPLE


def test_rfc9051_example_numbering() -> None:
    structure = parse_message(EXAMPLE)
    assert [(".".join(map(str, path)), part.media_type) for path, part in structure.walk()] == [
        ("1", "text/plain"),
        ("2", "application/octet-stream"),
        ("3", "message/rfc822"),
        ("3.1", "text/plain"),
        ("3.2", "application/octet-stream"),
        ("4", "multipart/mixed"),
        ("4.1", "image/gif"),
        ("4.2", "message/rfc822"),
        ("4.2.1", "text/plain"),
        ("4.2.2", "multipart/alternative"),
        ("4.2.2.1", "text/plain"),
        ("4.2.2.2", "text/richtext"),
    ]
    check_invariants(EXAMPLE, structure)


def test_rfc9051_example_sections_byte_exact() -> None:
    structure = parse_message(EXAMPLE)

    def body(path: tuple[int, ...], text: str | None = None) -> bytes | None:
        span = structure.section(path, text)
        return None if span is None else span.of(EXAMPLE)

    assert body((), "HEADER") == (
        b"From: Terry Gray <gray@cac.washington.edu>\r\n"
        b"To: imap@cac.washington.edu\r\n"
        b"Subject: sections\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: MULTIPART/MIXED; BOUNDARY="outer"\r\n'
        b"\r\n"
    )
    assert body(()) == EXAMPLE
    text = body((), "TEXT")
    assert text is not None
    assert text.startswith(b"preamble\r\n--outer\r\n")
    assert text.endswith(b"--outer--\r\nepilogue\r\n")
    assert body((1,)) == b"Part 1."
    assert body((1,), "MIME") == b"Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\n"
    assert body((2,)) == b"UGFydCAyLg=="
    assert body((3,)) == (
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
        b"--m3--\r\n"  # the close delimiter's line break stays (Dovecot; see the docstring)
    )
    assert body((3,), "HEADER") == (
        b"From: a@example.org\r\n"
        b"Subject: part 3\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: MULTIPART/MIXED; BOUNDARY="m3"\r\n'
        b"\r\n"
    )
    assert body((3,), "TEXT") == (
        b"--m3\r\n"
        b"\r\n"
        b"Part 3.1.\r\n"
        b"--m3\r\n"
        b"Content-Type: APPLICATION/OCTET-STREAM\r\n"
        b"\r\n"
        b"Part 3.2.\r\n"
        b"--m3--\r\n"
    )
    assert body((3, 1)) == b"Part 3.1."
    assert body((3, 1), "MIME") == b"\r\n"
    assert body((3, 2)) == b"Part 3.2."
    assert body((4,)) == (
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
    )
    assert body((4,), "MIME") == b'Content-Type: MULTIPART/MIXED; BOUNDARY="m4"\r\n\r\n'
    assert body((4, 1)) == b"R0lGODlh"
    assert body((4, 1), "MIME") == (
        b"Content-Type: IMAGE/GIF\r\nContent-Transfer-Encoding: BASE64\r\n\r\n"
    )
    assert body((4, 2), "HEADER") == (
        b"From: b@example.org\r\n"
        b"Subject: part 4.2\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: MULTIPART/MIXED; BOUNDARY="m42"\r\n'
        b"\r\n"
    )
    assert body((4, 2), "MIME") == b"Content-Type: MESSAGE/RFC822\r\n\r\n"
    text_42 = body((4, 2), "TEXT")
    assert text_42 is not None
    assert text_42.startswith(b"--m42\r\nContent-Type: TEXT/PLAIN\r\n")
    assert text_42.endswith(b"--m422--\r\n--m42--\r\n")
    assert body((4, 2, 1)) == b"Part 4.2.1."
    assert body((4, 2, 2)) == (
        b"--m422\r\n"
        b"Content-Type: TEXT/PLAIN\r\n"
        b"\r\n"
        b"Part 4.2.2.1.\r\n"
        b"--m422\r\n"
        b"Content-Type: TEXT/RICHTEXT\r\n"
        b"\r\n"
        b"Part 4.2.2.2.\r\n"
        b"--m422--\r\n"
    )
    assert body((4, 2, 2, 1)) == b"Part 4.2.2.1."
    assert body((4, 2, 2, 2)) == b"Part 4.2.2.2."
    assert body((4, 2, 2, 2), "MIME") == b"Content-Type: TEXT/RICHTEXT\r\n\r\n"


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ((5,), None),  # no part 5
        ((1, 1, 1), None),  # a text part has no parts (1.1 is itself, see below)
        ((2,), "HEADER"),  # HEADER and TEXT only of message parts
        ((2,), "TEXT"),
        ((4,), "HEADER.FIELDS"),
        ((), "MIME"),  # MIME needs a part number
        ((0,), None),  # part numbers start at 1
        ((4, 3), None),
        ((3, 3), None),
        ((4, 2, 2, 3), None),
    ],
)
def test_sections_that_do_not_exist(path: tuple[int, ...], text: str | None) -> None:
    assert parse_message(EXAMPLE).section(path, text) is None


def test_a_leaf_part_of_a_multipart_is_part_1_of_itself_once() -> None:
    # Dovecot's reading (lib-imap-storage imap-msgpart.c): BODY[1.1] of a text part 1 is
    # BODY[1]; a single-part message's BODY[1.1] does not exist.
    structure = parse_message(EXAMPLE)
    assert structure.section((1, 1)) == structure.section((1,))
    assert structure.section((4, 1, 1)) == structure.section((4, 1))
    single = parse_message(b"Subject: x\r\n\r\nbody\r\n")
    assert single.section((1,)) is not None
    assert single.section((1, 1)) is None


def test_section_texts_are_case_insensitive_and_checked() -> None:
    structure = parse_message(EXAMPLE)
    assert structure.section((3,), "header") == structure.section((3,), "HEADER.FIELDS.NOT")
    assert structure.section((), "header.fields") == structure.header
    assert structure.section((), "Text") == structure.text
    with pytest.raises(ValueError, match="section text"):
        structure.section((), "BODY")


def test_single_part_message_is_part_one() -> None:
    data = crlf("Subject: hi\nContent-Type: text/plain\nMIME-Version: 1.0\n\nhello\nworld\n")
    structure = parse_message(data)
    assert structure.section((1,)) == structure.text
    assert structure.section((1,)).of(data) == b"hello\r\nworld\r\n"  # type: ignore[union-attr]
    assert structure.section((1,), "MIME") == structure.header  # the message's own header
    assert structure.section((1,), "HEADER") is None
    assert [path for path, _ in structure.walk()] == [(1,)]
    root = structure.root
    assert (root.size, root.lines) == (14, 2)


def test_message_part_holding_a_single_part_message() -> None:
    data = crlf(
        "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n\n"
        "Subject: inner\n\ninner text\n--b--\n"
    )
    structure = parse_message(data)
    assert sections(data, structure) == {
        "1": b"Subject: inner\r\n\r\ninner text",
        "1.1": b"inner text",  # the message's only part is its text
    }
    assert structure.section((1,), "TEXT") == structure.section((1, 1))
    assert structure.section((1, 1), "MIME") == structure.section((1,), "HEADER")
    assert structure.section((1, 2)) is None
    assert structure.section((1, 1, 1)) is None


def test_top_level_message_rfc822() -> None:
    data = crlf("MIME-Version: 1.0\nContent-Type: message/rfc822\n\nSubject: x\n\nbody\n")
    structure = parse_message(data)
    assert structure.root.message is not None
    assert sections(data, structure) == {"1": b"Subject: x\r\n\r\nbody\r\n", "1.1": b"body\r\n"}
    assert structure.section((1,), "HEADER").of(data) == b"Subject: x\r\n\r\n"  # type: ignore[union-attr]


# --- Dovecot's own known answers (lib-imap/test-imap-bodystructure.c), sent with CRLF ---------


def test_dovecot_bodystructure_vector() -> None:
    data = crlf(
        "From: user@domain.org\n"
        "Date: Sat, 24 Mar 2007 23:00:00 +0200\n"
        "Mime-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="foo\n'
        ' bar"\n'
        "\n"
        "Root MIME prologue\n"
        "\n"
        "--foo bar\n"
        'Content-Type: text/x-myown; charset=us-ascii; foo="quoted\\"string"\n'
        "Content-ID: <foo@example.com>\n"
        "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\n"
        "Content-Disposition: inline; foo=bar\n"
        "Content-Description: hellodescription\n"
        "Content-Language: en, fi, se\n"
        "Content-Location: http://example.com/test.txt\n"
        "\n"
        "hello\n"
        "\n"
        "--foo bar\n"
        "Content-Type: message/rfc822\n"
        "\n"
        "From: sub@domain.org\n"
        "To: sub-to1@domain.org, sub-to2@domain.org\n"
        "Date: Sun, 12 Aug 2012 12:34:56 +0300\n"
        "Subject: submsg\n"
        'Content-Type: multipart/alternative; boundary="sub1"\n'
        "\n"
        "Sub MIME prologue\n"
        "--sub1\n"
        "Content-Type: text/html\n"
        "Content-Transfer-Encoding: 8bit\n"
        "\n"
        "<p>Hello world</p>\n"
        "\n"
        "--sub1\n"
        "Content-Type: text/plain\n"
        "Content-Transfer-Encoding: ?invalid\n"
        "\n"
        "Hello another world\n"
        "\n"
        "--sub1--\n"
        "Sub MIME epilogue\n"
        "\n"
        "--foo bar--\n"
        "Root MIME epilogue\n"
    )
    structure = parse_message(data)
    root = structure.root
    assert (root.type, root.subtype, root.params) == (
        b"multipart",
        b"mixed",
        ((b"boundary", b"foo bar"),),
    )
    first, second = root.children
    assert first == Part(
        header=first.header,
        body=first.body,
        type=b"text",
        subtype=b"x-myown",
        params=((b"charset", b"us-ascii"), (b"foo", b'quoted"string')),
        id=b"<foo@example.com>",
        description=b"hellodescription",
        encoding=b"7bit",
        md5=b"Q2hlY2sgSW50ZWdyaXR5IQ==",
        disposition=b"inline",
        disposition_params=((b"foo", b"bar"),),
        language=(b"en", b"fi", b"se"),
        location=b"http://example.com/test.txt",
        lines=1,
    )
    assert first.size == 7
    assert (second.media_type, second.params, second.size, second.lines) == (
        "message/rfc822",
        (),
        412,
        21,
    )
    assert second.message is not None
    html, plain = second.message.root.children
    assert (html.media_type, html.params, html.encoding, html.size, html.lines) == (
        "text/html",
        ((b"charset", b"us-ascii"),),
        b"8bit",
        20,
        1,
    )
    assert (plain.encoding, plain.size, plain.lines) == (b"7bit", 21, 1)
    assert second.message.root.params == ((b"boundary", b"sub1"),)
    inner = envelope(data, second.message)
    assert inner.date == b"Sun, 12 Aug 2012 12:34:56 +0300"
    assert inner.subject == b"submsg"
    assert (
        inner.from_
        == inner.sender
        == inner.reply_to
        == (Address(None, None, b"sub", b"domain.org"),)
    )
    assert inner.to == (
        Address(None, None, b"sub-to1", b"domain.org"),
        Address(None, None, b"sub-to2", b"domain.org"),
    )
    assert (inner.cc, inner.bcc, inner.in_reply_to, inner.message_id) == ((), (), None, None)
    check_invariants(data, structure)


def test_dovecot_vector_with_a_forwarded_message() -> None:
    data = crlf(
        "From: user@domain.org\n"
        "Date: Sat, 24 Mar 2017 23:00:00 +0200\n"
        "Mime-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="foo bar"\n'
        "\n"
        "--foo bar\n"
        "Content-Type: text/plain; charset=us-ascii\n"
        "\n"
        "See attached...\n"
        "\n"
        "--foo bar\n"
        "Content-Type: message/rfc822\n"
        "\n"
        "From: user@domain.org\n"
        "Date: Sat, 24 Mar 2017 23:00:00 +0200\n"
        "Mime-Version: 1.0\n"
        "Content-Type: text/plain; charset=us-ascii\n"
        "\n"
        "body\n"
        "\n"
        "--foo bar--\n"
        "\n"
    )
    structure = parse_message(data)
    text, message = structure.root.children
    assert (text.size, text.lines) == (17, 1)
    assert (message.size, message.lines) == (133, 6)
    assert message.message is not None
    assert (message.message.root.size, message.message.root.lines) == (6, 1)
    assert envelope(data, message.message).subject is None


def test_dovecot_empty_multipart_gets_an_empty_text_part() -> None:
    data = crlf('Content-Type: multipart/mixed; boundary="foo"\n\n')
    [child] = parse_message(data).root.children
    assert (child.media_type, child.params, child.encoding, child.size, child.lines) == (
        "text/plain",
        ((b"charset", b"us-ascii"),),
        b"7bit",
        0,
        0,
    )


# Dovecot's message parser vectors (lib-mail/test-message-parser.c), as bare LF like there:
# (offset, header size, header lines, body size, body lines) of each part, depth first.


def layout(data: bytes, structure: MessageStructure) -> list[tuple[int, int, int, int, int]]:
    def one(part: Part) -> tuple[int, int, int, int, int]:
        header, body = part.header, part.body
        lines = data.count(b"\n", header.start, header.end)
        return header.start, header.size, lines, body.size, part.lines

    parts = [part for _, part in structure.walk() if part is not structure.root]
    return [one(structure.root)] + [one(part) for part in parts]


@pytest.mark.parametrize(
    ("data", "expected"),
    [pytest.param(*vector, id=name) for name, vector in mime_corpus.DOVECOT_PARSER_VECTORS.items()],
)
def test_dovecot_parser_vectors(data: bytes, expected: list[tuple[int, ...]]) -> None:
    structure = parse_message(data)
    assert layout(data, structure) == expected
    check_invariants(data, structure)


# --- the corpus against the stdlib parser --------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_matches_the_stdlib(name: str) -> None:
    data = CORPUS[name]
    structure = parse_message(data)
    check_invariants(data, structure)
    compare_with_stdlib(data, structure.root, stdlib_parse(data))


@pytest.mark.parametrize("name", sorted(mime_corpus.BUILDERS))
def test_corpus_with_bare_lf_matches_the_stdlib(name: str) -> None:
    data = mime_corpus.BUILDERS[name]().as_bytes(policy=email.policy.default.clone(linesep="\n"))
    structure = parse_message(data)
    check_invariants(data, structure)
    compare_with_stdlib(data, structure.root, stdlib_parse(data))


def test_nested_corpus_shape() -> None:
    data = CORPUS["nested"]
    structure = parse_message(data)
    assert [(path, part.media_type) for path, part in structure.walk()] == [
        ((1,), "multipart/alternative"),
        ((1, 1), "text/plain"),
        ((1, 2), "multipart/related"),
        ((1, 2, 1), "text/html"),
        ((1, 2, 2), "image/gif"),
        ((2,), "application/octet-stream"),
    ]
    gif = structure.part((1, 2, 2))
    assert gif is not None
    assert gif.id == b"<dot>"
    blob = structure.part((2,))
    assert blob is not None
    assert (blob.disposition, blob.disposition_param("filename")) == (b"attachment", "blob.bin")
    assert blob.body.of(data) == b"AAEC\r\n"  # the stdlib ends the text with a line break


def test_forwarded_corpus_message() -> None:
    data = CORPUS["forwarded"]
    structure = parse_message(data)
    part = structure.part((2,))
    assert part is not None
    assert part.message is not None
    inner = envelope(data, part.message)
    assert (inner.subject, inner.message_id, inner.date) == (
        b"original",
        b"<orig@example.org>",
        b"Mon, 01 Jan 2024 10:00:00 +0000",  # as the stdlib writes the date
    )
    assert [path for path, _ in structure.walk()] == [(1,), (2,), (2, 1), (2, 2)]
    attachment = structure.part((2, 2))
    assert attachment is not None
    assert attachment.disposition_param("filename") == "inner.bin"


def test_encoded_words_corpus_message() -> None:
    data = CORPUS["encoded_words"]
    structure = parse_message(data)
    fields = envelope(data, structure)
    assert fields.from_ == (
        Address(b"=?utf-8?q?J=C3=B6rg_M=C3=BCller?=", None, b"joerg", b"example.org"),
    )
    assert fields.from_[0].name is not None
    assert decode_text(fields.from_[0].name) == "Jörg Müller"
    assert fields.subject is not None
    assert b"\n" not in fields.subject
    assert decode_text(fields.subject) == (
        "Grüße aus Köln, a rather long subject line that will need folding somewhere"
    )
    assert fields.to == (
        Address(None, None, b"Friends", None),
        Address(None, None, b"a", b"example.org"),
        Address(b"C D", None, b"c", b"example.org"),
        Address(None, None, None, None),
    )
    attachment = structure.part((2,))
    assert attachment is not None
    [(name, value)] = attachment.disposition_params
    assert name == b"filename*"  # RFC 2231 sections merged, still encoded (RFC 9051 §7.5.2)
    assert value.startswith(b"utf-8''na%C3%AFve%20r%C3%A9sum%C3%A9")
    expected = "naïve résumé with a very long name that goes on and on.txt"
    assert attachment.disposition_param("filename") == expected
    assert subparts(stdlib_parse(data))[1].get_filename() == expected


def test_utf8_headers_corpus_message() -> None:
    data = CORPUS["utf8_headers"]
    structure = parse_message(data)
    fields = envelope(data, structure)
    assert fields.from_ == (Address("Jörg".encode(), None, "jörg".encode(), b"example.org"),)
    assert fields.subject == "Grüße".encode()
    assert structure.root.encoding == b"8bit"
    assert structure.root.param("charset") == "utf-8"


def test_empty_parts_corpus_message() -> None:
    data = CORPUS["empty_parts"]
    structure = parse_message(data)
    sizes = [(part.media_type, part.size, part.lines) for _, part in structure.walk()]
    assert sizes == [
        ("text/plain", 2, 1),  # the stdlib writes an empty text as one empty line
        ("application/octet-stream", 0, 0),
        ("text/plain", 2, 1),
    ]


def test_digest_children_default_to_message_rfc822() -> None:
    data = mime_corpus.DIGEST
    structure = parse_message(data)
    first, second = structure.root.children
    assert first.media_type == "message/rfc822"
    assert first.params == ()
    assert second.media_type == "text/plain"
    assert first.message is not None
    assert envelope(data, first.message).subject == b"first"
    assert structure.section((1, 1)).of(data) == b"first body"  # type: ignore[union-attr]
    compare_with_stdlib(data, structure.root, stdlib_parse(data))


# --- boundaries and other edge cases, spans written out ------------------------------------------


def test_preamble_and_epilogue_belong_to_no_part() -> None:
    data = crlf(
        "Content-Type: multipart/mixed; boundary=b\n\npreamble\n--b\n\none\n--b\n\ntwo\n"
        "--b--\nepilogue\n"
    )
    structure = parse_message(data)
    assert sections(data, structure) == {"1": b"one", "2": b"two"}
    assert structure.text.of(data) == (
        b"preamble\r\n--b\r\n\r\none\r\n--b\r\n\r\ntwo\r\n--b--\r\nepilogue\r\n"
    )
    assert structure.root.lines == 9


def test_transport_padding_after_a_boundary() -> None:
    data = crlf(
        "Content-Type: multipart/mixed; boundary=b\n\n--b  \t\n\none\n--b \n\ntwo\n--b-- \n"
    )
    assert sections(data, parse_message(data)) == {"1": b"one", "2": b"two"}


def test_boundary_that_prefixes_another() -> None:
    # The outer boundary "ab" prefixes the inner "abc": the longest match wins, so "--abc"
    # lines are the inner multipart's, and "--ab" lines end it.
    data = crlf(
        'Content-Type: multipart/mixed; boundary="ab"\n\n'
        "--ab\n"
        'Content-Type: multipart/alternative; boundary="abc"\n\n'
        "--abc\n\ninner one\n--abc\n\ninner two\n--abc--\n"
        "--ab\n\nouter two\n--ab--\n"
    )
    structure = parse_message(data)
    assert sections(data, structure) == {
        "1": b"--abc\r\n\r\ninner one\r\n--abc\r\n\r\ninner two\r\n--abc--\r\n",
        "1.1": b"inner one",
        "1.2": b"inner two",
        "2": b"outer two",
    }


def test_an_outer_boundary_ends_the_inner_multipart() -> None:
    # The inner multipart's close delimiter is missing: the outer boundary ends it.
    data = crlf(
        "Content-Type: multipart/mixed; boundary=outer\n\n"
        "--outer\nContent-Type: multipart/mixed; boundary=inner\n\n"
        "--inner\n\nin one\n--inner\n\nin two\n"
        "--outer\n\nsecond\n--outer--\n"
    )
    assert sections(data, parse_message(data)) == {
        "1": b"--inner\r\n\r\nin one\r\n--inner\r\n\r\nin two",
        "1.1": b"in one",
        "1.2": b"in two",
        "2": b"second",
    }


def test_missing_close_delimiter_runs_to_the_end() -> None:
    data = crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo\nlast line\n")
    structure = parse_message(data)
    assert sections(data, structure) == {"1": b"one", "2": b"two\r\nlast line\r\n"}


def test_nested_multipart_reusing_its_parents_boundary() -> None:
    # RFC 2046 forbids it; the innermost multipart takes the lines, as Dovecot reads them.
    data = crlf(
        "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
        "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b\n\ny\n--b--\n"
        "--b\n\nz\n--b--\n"
    )
    assert sections(data, parse_message(data)) == {
        "1": b"--b\r\n\r\nx\r\n--b\r\n\r\ny\r\n--b--\r\n",
        "1.1": b"x",
        "1.2": b"y",
        "2": b"z",
    }


def test_a_part_header_cut_short_by_a_boundary() -> None:
    # No blank line: the header ends at the boundary line (without the line break before it,
    # which belongs to the boundary) and the body is empty.
    data = crlf(
        "Content-Type: multipart/mixed; boundary=b\n\n"
        "--b\nContent-Type: text/html\n--b\nContent-Type: message/rfc822\n--b\n"
        "Content-Type: multipart/mixed; boundary=c\n--b--\n"
    )
    structure = parse_message(data)
    html, message, multipart = structure.root.children
    assert html.header.of(data) == b"Content-Type: text/html"
    assert html.media_type == "text/html"
    assert html.body.size == 0
    assert message.header.of(data) == b"Content-Type: message/rfc822"
    assert message.message is not None
    assert message.message.size == 0
    assert multipart.header.of(data) == b"Content-Type: multipart/mixed; boundary=c"
    assert [child.size for child in multipart.children] == [0]
    check_invariants(data, structure)


def test_empty_parts_and_a_boundary_right_after_a_boundary() -> None:
    data = crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\n--b\n\n--b\n\n\n--b--\n")
    structure = parse_message(data)
    first, second, third = structure.root.children
    assert (first.header.of(data), first.body.of(data)) == (b"", b"")
    # A blank line right before a boundary line is that line's line break (RFC 2046 §5.1.1).
    assert (second.header.of(data), second.body.of(data)) == (b"", b"")
    assert (third.header.of(data), third.body.of(data)) == (b"\r\n", b"")
    check_invariants(data, structure)


def test_close_delimiter_without_parts() -> None:
    data = crlf("Content-Type: multipart/mixed; boundary=b\n\n--b--\nafter\n")
    structure = parse_message(data)
    [child] = structure.root.children
    assert child.size == 0
    assert child.body.start == len(data)
    assert structure.text.of(data) == b"--b--\r\nafter\r\n"


@pytest.mark.parametrize(
    "content_type",
    ["multipart/mixed", 'multipart/mixed; boundary=""', "multipart/mixed; charset=x"],
)
def test_multipart_without_a_boundary(content_type: str) -> None:
    data = crlf(f"Content-Type: {content_type}\n\n--b\n\ntext\n")
    structure = parse_message(data)
    [child] = structure.root.children
    assert (child.media_type, child.size) == ("text/plain", 0)
    assert structure.text.of(data) == b"--b\r\n\r\ntext\r\n"
    assert structure.root.lines == 3


def test_header_without_blank_line_or_body() -> None:
    data = b"Subject: no body\r\nFrom: a@b"
    structure = parse_message(data)
    assert structure.header == Span(0, len(data))
    assert structure.text == Span(len(data), len(data))
    assert header_fields(data, structure.header, ["subject"]) == b"Subject: no body\r\n"


def test_bare_lf_message_spans() -> None:
    data = b"Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo\n--b--\n"
    structure = parse_message(data)
    assert sections(data, structure) == {"1": b"one", "2": b"two"}
    assert structure.header.of(data) == b"Content-Type: multipart/mixed; boundary=b\n\n"
    assert structure.section((1,), "MIME").of(data) == b"\n"  # type: ignore[union-attr]


def test_empty_message() -> None:
    structure = parse_message(b"")
    assert structure.root == Part(
        header=Span(0, 0), body=Span(0, 0), params=((b"charset", b"us-ascii"),)
    )
    assert structure.section(()) == Span(0, 0)


def test_boundary_line_on_the_first_line_of_a_body_leaves_it_empty() -> None:
    data = crlf(
        "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
        "Content-Type: message/rfc822\n\n--b\n\nafter\n--b--\n"
    )
    structure = parse_message(data)
    message, after = structure.root.children
    assert message.body.size == 0
    assert message.message is not None
    assert after.body.of(data) == b"after"
