"""pymailproto.mime, continued: MIME fields and RFC 2231, HEADER.FIELDS, ENVELOPE, limits, fuzzing,
the cache (the first half, structure and spans, is tests/test_mime.py)."""

from __future__ import annotations

import email
import email.policy
import email.utils
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pymailproto.mime import (
    MAX_DEPTH_CEILING,
    Address,
    MessageStructure,
    Part,
    Span,
    StructureCache,
    decode_param,
    decode_text,
    envelope,
    header_fields,
    header_items,
    parse_address_list,
    parse_message,
)
from tests import mime_corpus
from tests.test_mime import (
    CORPUS,
    EXAMPLE,
    check_invariants,
    compare_with_stdlib,
    crlf,
    sections,
    stdlib_parse,
)

# --- MIME fields, defaults and RFC 2231 -----------------------------------------------------------


def leaf(header: str) -> Part:
    return parse_message(crlf(header + "\n\nbody\n")).root


def test_defaults_per_rfc2045() -> None:
    part = leaf("MIME-Version: 1.0")
    assert (part.type, part.subtype, part.params, part.encoding) == (
        b"text",
        b"plain",
        ((b"charset", b"us-ascii"),),
        b"7bit",
    )
    assert (part.id, part.description, part.md5, part.disposition, part.location) == (None,) * 5
    assert part.language == ()


@pytest.mark.parametrize(
    "value", ["text", "text/", "/plain", "", "(comment only)", "text plain", "tex\x01t/plain"]
)
def test_invalid_content_type_gives_the_default(value: str) -> None:
    part = leaf(f"MIME-Version: 1.0\nContent-Type: {value}")
    assert (part.media_type, part.params) == ("text/plain", ((b"charset", b"us-ascii"),))


def test_content_type_syntax() -> None:
    part = leaf(
        "Content-Type: (a comment) Text / HTML (another) ;\n"
        ' CharSet = "UTF-8" (c) ; Format=flowed;; junk; =x; name; delsp=yes;'
    )
    assert part.media_type == "text/html"
    assert part.params == ((b"CharSet", b"UTF-8"), (b"Format", b"flowed"), (b"delsp", b"yes"))
    assert part.param("charset") == "UTF-8"
    assert part.param("missing") is None


def test_a_boundary_ending_in_a_stray_cr() -> None:
    # Unfolding leaves a CR that is not part of a line break: a line with only the CRLF after
    # "--a" does not match the boundary "a\r"; one with "a\r" and then CRLF does.
    data = (
        b'Content-Type: multipart/mixed; boundary="a\r"\r\n\r\n'
        b"--a\r\r\n\r\nx\r\n--a\r\ny\r\n--a\r--\r\n"
    )
    structure = parse_message(data)
    assert sections(data, structure) == {"1": b"x\r\n--a\r\ny"}
    assert structure.section((1,), "MIME").of(data) == b"\r\n"  # type: ignore[union-attr]


def test_comments_may_quote_parentheses() -> None:
    assert leaf("Content-Type: text/plain (a \\) b); charset=x").params == ((b"charset", b"x"),)


def test_unquoted_values_with_tspecials_stay_whole() -> None:
    part = leaf("Content-Type: multipart/mixed; boundary=----=_Part_1_2.3")
    assert part.params == ((b"boundary", b"----=_Part_1_2.3"),)


def test_non_mime_message_ignores_content_fields() -> None:
    # RFC 2045 §4: without MIME-Version (or a Content-Type) the message is not MIME.
    part = leaf("Content-Transfer-Encoding: base64\nContent-ID: <x@y>")
    assert (part.encoding, part.id) == (b"7bit", None)
    assert leaf("Content-Type: text/plain\nContent-ID: <x@y>").id == b"<x@y>"
    assert leaf("MIME-Version: 1.0\nContent-ID: <x@y>").id == b"<x@y>"


def test_first_content_field_wins() -> None:
    part = leaf(
        "MIME-Version: 1.0\nContent-Type: text/html\nContent-Type: image/png\n"
        "Content-ID: <1>\nContent-ID: <2>"
    )
    assert (part.media_type, part.id) == ("text/html", b"<1>")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("base64", b"base64"),
        (" (c) QUOTED-PRINTABLE (c)", b"QUOTED-PRINTABLE"),
        ("?invalid", b"7bit"),
        ("8bit junk", b"7bit"),
        ("", b"7bit"),
    ],
)
def test_content_transfer_encoding(value: str, expected: bytes) -> None:
    assert leaf(f"MIME-Version: 1.0\nContent-Transfer-Encoding: {value}").encoding == expected


def test_other_content_fields_are_unfolded() -> None:
    part = leaf(
        "MIME-Version: 1.0\nContent-ID:\n <id@example.org>\nContent-Description: a\n  folded\n"
        " description\nContent-MD5: abc=\nContent-Location: http://x/y\nContent-Language: de-CH,"
        " (swiss) fr , ,it"
    )
    assert part.id == b"<id@example.org>"
    assert part.description == b"a  folded description"
    assert (part.md5, part.location) == (b"abc=", b"http://x/y")
    assert part.language == (b"de-CH", b"fr")


def test_content_disposition() -> None:
    part = leaf('MIME-Version: 1.0\nContent-Disposition: attachment; filename="a b.txt"; size=3')
    assert part.disposition == b"attachment"
    assert part.disposition_params == ((b"filename", b"a b.txt"), (b"size", b"3"))
    assert part.disposition_param("FileName") == "a b.txt"
    broken = leaf("MIME-Version: 1.0\nContent-Disposition: ; filename=x")
    assert (broken.disposition, broken.disposition_params) == (None, ())


def test_rfc2231_continuations_rfc_examples() -> None:
    # RFC 2231 §3 and §4.1.
    part = leaf(
        "MIME-Version: 1.0\nContent-Type: message/external-body; access-type=URL;\n"
        ' URL*0="ftp://";\n URL*1="cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar"'
    )
    assert part.params == (
        (b"access-type", b"URL"),
        (b"URL", b"ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar"),
    )
    part = leaf(
        "MIME-Version: 1.0\nContent-Type: application/x-stuff;\n"
        " title*0*=us-ascii'en'This%20is%20even%20more%20;\n"
        " title*1*=%2A%2A%2Afun%2A%2A%2A%20;\n"
        ' title*2="isn\'t it!"'
    )
    assert part.params == (
        (b"title*", b"us-ascii'en'This%20is%20even%20more%20%2A%2A%2Afun%2A%2A%2A%20isn't it!"),
    )
    assert part.param("title") == "This is even more ***fun*** isn't it!"
    assert decode_param(*part.params[0]) == ("title", "This is even more ***fun*** isn't it!")


def test_rfc2231_merging_as_dovecot_does() -> None:
    part = leaf(
        "MIME-Version: 1.0\nContent-Type: application/x; z*1=b; plain=1; z*0=a;"
        " gap*1=x; gap*3*=y; mix*0=100%; mix*1*=%41; single*=utf-8'de'%C3%BC; odd*x=1"
    )
    assert part.params == (
        (b"plain", b"1"),
        (b"odd*x", b"1"),  # not an RFC 2231 name: kept as it is
        (b"gap*1", b"x"),  # sections missing: left unmerged
        (b"gap*3*", b"y"),
        (b"mix*", b"''100%25%41"),  # plain sections escaped inside an extended value
        (b"single*", b"utf-8'de'%C3%BC"),
        (b"z", b"ab"),
    )
    assert part.param("mix") == "100%A"
    assert part.param("single") == "ü"
    assert part.param("z") == "ab"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        (b"n*", b"iso-8859-1''%E9t%E9", ("n", "été")),
        (b"n*", b"no-such-charset''%C3%A9", ("n", "é")),
        (b"n*", b"%C3%A9", ("n", "é")),  # no charset'language' prefix
        (b"N", b"=?utf-8?q?caf=C3=A9.txt?=", ("n", "café.txt")),  # RFC 2047 in a parameter
        (b"N", "plain ü".encode(), ("n", "plain ü")),
    ],
)
def test_decode_param(name: bytes, value: bytes, expected: tuple[str, str]) -> None:
    assert decode_param(name, value) == expected


def test_decode_text() -> None:
    assert decode_text(b"plain") == "plain"
    assert decode_text(b"=?utf-8?b?R3LDvMOfZQ==?=") == "Grüße"
    assert decode_text(b"=?no-such-charset?q?x?=") == "=?no-such-charset?q?x?="
    assert decode_text(b"\xff=?") == "\ufffd=?"


def test_rfc2231_against_the_stdlib() -> None:
    msg = EmailMessage()
    msg.set_content(b"x", maintype="application", subtype="octet-stream")
    msg.set_param("name", "Grüße aus Köln " * 8)  # long enough to be split into sections
    data = msg.as_bytes(policy=email.policy.SMTP)
    assert b"name*1*=" in data
    part = parse_message(data).root
    [(name, _)] = part.params
    assert name == b"name*"
    assert part.param("name") == msg.get_param("name")


def test_message_global_is_a_message() -> None:
    data = crlf("MIME-Version: 1.0\nContent-Type: message/global\n\nSubject: ü\n\nbody\n")
    structure = parse_message(data)
    assert structure.root.message is not None
    assert envelope(data, structure.root.message).subject == "ü".encode()


# --- HEADER.FIELDS and header items --------------------------------------------------------------

HEADER = crlf(
    "Received: from a\n by b\nFrom: Alice <alice@example.org>\nTO: bob@example.org\n"
    "Subject: a folded\n\tsubject\nfrom: second@example.org\nX-Empty:\n\nbody\n"
)


def test_header_fields_byte_exact() -> None:
    span = parse_message(HEADER).header
    assert header_fields(HEADER, span, ["From", b"subject"]) == (
        b"From: Alice <alice@example.org>\r\n"
        b"Subject: a folded\r\n\tsubject\r\n"
        b"from: second@example.org\r\n"
        b"\r\n"
    )
    assert header_fields(HEADER, span, ["from", "subject"], not_=True) == (
        b"Received: from a\r\n by b\r\nTO: bob@example.org\r\nX-Empty:\r\n\r\n"
    )
    assert header_fields(HEADER, span, ["x-none", ""]) == b"\r\n"
    assert header_fields(HEADER, span, []) == b"\r\n"


def test_header_fields_of_odd_headers() -> None:
    data = b" leading fold\nno colon line\nA : b\n\n"
    span = parse_message(data).header
    assert header_fields(data, span, ["a"]) == b"A : b\n\n"
    assert header_fields(data, span, ["no colon line"]) == b"no colon line\n\n"
    assert header_fields(data, span, ["a"], not_=True) == b" leading fold\nno colon line\n\n"
    assert header_items(data, span) == [(b"A", b"b")]
    assert header_fields(b"\r\n", Span(0, 2), ["a"]) == b"\r\n"
    assert header_fields(b"X: y\n\n", Span(0, 6), ["x"]) == b"X: y\n\n"


def test_header_items() -> None:
    span = parse_message(HEADER).header
    assert header_items(HEADER, span) == [
        (b"Received", b"from a by b"),
        (b"From", b"Alice <alice@example.org>"),
        (b"TO", b"bob@example.org"),
        (b"Subject", b"a folded\tsubject"),
        (b"from", b"second@example.org"),
        (b"X-Empty", b""),
    ]


# --- ENVELOPE ------------------------------------------------------------------------------------


def envelope_of(header: str) -> tuple[bytes, MessageStructure]:
    data = crlf(header + "\n\nbody\n")
    return data, parse_message(data)


def test_envelope_fields_and_defaults() -> None:
    data, structure = envelope_of(
        "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\nSubject: afternoon\n meeting\n"
        "From: Fred Foobar <foobar@Blurdybloop.example>\nTo: mooch@owatagu.siam.edu.example\n"
        "Message-Id: <B27397-0100000@Blurdybloop.example>\nIn-Reply-To: <a@b>\nCc:\nBcc:   "
    )
    fields = envelope(data, structure)
    assert fields.date == b"Mon, 7 Feb 1994 21:52:25 -0800 (PST)"
    assert fields.subject == b"afternoon meeting"
    fred = (Address(b"Fred Foobar", None, b"foobar", b"Blurdybloop.example"),)
    assert fields.from_ == fields.sender == fields.reply_to == fred
    assert fields.to == (Address(None, None, b"mooch", b"owatagu.siam.edu.example"),)
    assert (fields.cc, fields.bcc) == ((), ())
    assert fields.message_id == b"<B27397-0100000@Blurdybloop.example>"
    assert fields.in_reply_to == b"<a@b>"


def test_envelope_missing_and_empty_fields() -> None:
    data, structure = envelope_of("Subject:\nSender:\nX-Other: 1")
    fields = envelope(data, structure)
    assert (fields.date, fields.subject, fields.in_reply_to, fields.message_id) == (
        None,
        b"",
        None,
        None,
    )
    assert fields.from_ == fields.sender == fields.reply_to == fields.to == ()


def test_envelope_sender_and_reply_to_when_present() -> None:
    data, structure = envelope_of(
        "From: a@example.org\nSender: s@example.org\nReply-To: r@example.org\n"
        "Subject: one\nSubject: two"
    )
    fields = envelope(data, structure)
    assert fields.sender == (Address(None, None, b"s", b"example.org"),)
    assert fields.reply_to == (Address(None, None, b"r", b"example.org"),)
    assert fields.subject == b"two"  # the last one, as in Dovecot


@pytest.mark.parametrize(("value", "expected"), mime_corpus.ADDRESS_LISTS)
def test_parse_address_list(value: str, expected: tuple[Address, ...]) -> None:
    assert parse_address_list(value.encode()) == expected


def test_group_markers() -> None:
    start, member, end = parse_address_list(b"g: a@b;")
    assert start.is_group_start
    assert not start.is_group_end
    assert end.is_group_end
    assert not end.is_group_start
    assert not member.is_group_start
    assert not member.is_group_end


@pytest.mark.parametrize(
    "value",
    [
        "Alice <alice@example.org>",
        '"Bob Smith" <bob@example.org>, carol@example.org',
        "dave@example.org (Dave)",
        "Eve <eve@example.org>, Frank <frank@example.org>",
    ],
)
def test_addresses_agree_with_stdlib_getaddresses(value: str) -> None:
    ours = [
        ((a.name or b"").decode(), f"{a.mailbox!r}@{a.host!r}")
        for a in parse_address_list(value.encode())
    ]
    theirs = [
        (name, "{!r}@{!r}".format(*(part.encode() for part in addr.split("@"))))
        for name, addr in email.utils.getaddresses([value])
    ]
    assert ours == theirs


# --- limits and hostile input ---------------------------------------------------------------------


def nested_multiparts(levels: int) -> bytes:
    head = "".join(
        f"--b{i}\nContent-Type: multipart/mixed; boundary=b{i + 1}\n\n" for i in range(levels)
    )
    tail = "".join(f"--b{i}--\n" for i in reversed(range(levels)))
    return crlf(f"Content-Type: multipart/mixed; boundary=b0\n\n{head}--b{levels}\n\nleaf\n{tail}")


def nested_messages(levels: int) -> bytes:
    return crlf("MIME-Version: 1.0\nContent-Type: message/rfc822\n\n" * levels + "\ninnermost\n")


def depth_of(part: Part) -> int:
    below = [depth_of(child) for child in part.children]
    if part.message is not None:
        below.append(depth_of(part.message.root))
    return 1 + max(below, default=0)


@pytest.mark.parametrize("build", [nested_multiparts, nested_messages])
def test_nesting_beyond_max_depth_becomes_an_opaque_leaf(build: object) -> None:
    assert callable(build)
    data = build(300)
    structure = parse_message(data)  # default max_depth=100: no RecursionError
    assert depth_of(structure.root) == 101
    check_invariants(data, structure)
    shallow = parse_message(data, max_depth=3)
    assert depth_of(shallow.root) == 4
    deepest = shallow.root
    while deepest.children or deepest.message:
        deepest = deepest.message.root if deepest.message else deepest.children[0]
    assert deepest.media_type == "application/octet-stream"
    check_invariants(data, shallow, max_depth=3)
    assert depth_of(parse_message(data, max_depth=0).root) == 1


@pytest.mark.parametrize("build", [nested_multiparts, nested_messages])
def test_the_deepest_allowed_nesting_fits_on_the_stack(build: object) -> None:
    assert callable(build)
    data = build(MAX_DEPTH_CEILING + 10)
    structure = parse_message(data, max_depth=MAX_DEPTH_CEILING)
    check_invariants(data, structure, max_depth=MAX_DEPTH_CEILING)


def test_nested_messages_within_the_limit_are_all_parsed() -> None:
    data = nested_messages(10)
    structure = parse_message(data)
    assert depth_of(structure.root) == 11
    assert structure.section((1,) * 11).of(data) == b"innermost\r\n"  # type: ignore[union-attr]


def test_max_parts_stops_recognising_boundaries() -> None:
    data = crlf(
        "Content-Type: multipart/mixed; boundary=b\n\n"
        + "".join(f"--b\n\npart {i}\n" for i in range(20_000))
        + "--b--\n"
    )
    structure = parse_message(data)
    assert check_invariants(data, structure) == 10_000
    last = structure.root.children[-1]
    assert last.body.of(data).startswith(b"part 9998\r\n--b\r\n\r\npart 9999\r\n")
    assert last.body.end == len(data)
    small = parse_message(data, max_parts=3)
    assert check_invariants(data, small) == 3
    assert parse_message(nested_messages(5), max_parts=2).root.message is not None
    inner = parse_message(nested_messages(5), max_parts=2).root.message
    assert inner is not None
    assert inner.root.media_type == "application/octet-stream"


def test_many_dash_lines_that_are_not_boundaries() -> None:
    data = crlf(
        "Content-Type: multipart/mixed; boundary=b\n\n--b\n\n" + "--x\n" * 50_000 + "--b--\n"
    )
    [part] = parse_message(data).root.children
    assert part.lines == 49_999


def test_argument_checks() -> None:
    with pytest.raises(ValueError, match="max_depth"):
        parse_message(b"", max_depth=MAX_DEPTH_CEILING + 1)
    with pytest.raises(ValueError, match="max_depth"):
        parse_message(b"", max_depth=-1)
    with pytest.raises(ValueError, match="max_parts"):
        parse_message(b"", max_parts=0)
    with pytest.raises(ValueError, match="Span"):
        Span(3, 2)
    assert parse_message(bytearray(b"Subject: x\n\ny")).text == Span(12, 13)  # type: ignore[arg-type]


# --- hypothesis: random trees built with the stdlib, and garbage ---------------------------------

TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="\r")
    | st.just("\n"),
    max_size=120,
)


def text_part(text: str, subtype: str, cte: str | None) -> EmailMessage:
    part = EmailMessage()
    if cte == "7bit" and not text.isascii():
        cte = None
    part.set_content(text, subtype=subtype, cte=cte)
    return part


def binary_part(data: bytes, maintype: str) -> EmailMessage:
    part = EmailMessage()
    part.set_content(data, maintype=maintype, subtype="octet-stream", filename="f.bin")
    return part


def multipart(subtype: str, parts: list[EmailMessage]) -> EmailMessage:
    msg = EmailMessage()
    msg.set_type(f"multipart/{subtype}")
    for part in parts:
        msg.attach(part)
    return msg


def rfc822(inner: EmailMessage) -> EmailMessage:
    inner["Subject"] = "inner"
    part = EmailMessage()
    part.set_content(inner)
    return part


LEAVES = st.one_of(
    st.builds(
        text_part,
        TEXT,
        st.sampled_from(["plain", "html"]),
        st.sampled_from([None, "7bit", "8bit", "quoted-printable", "base64"]),
    ),
    st.builds(binary_part, st.binary(max_size=100), st.sampled_from(["application", "image"])),
)
TREES = st.recursive(
    LEAVES,
    lambda children: st.one_of(
        st.builds(
            multipart,
            st.sampled_from(["mixed", "alternative", "related"]),
            st.lists(children, min_size=1, max_size=4),
        ),
        st.builds(rfc822, children),
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TREES, st.sampled_from(["\r\n", "\n"]))
def test_random_trees_match_the_stdlib(tree: EmailMessage, linesep: str) -> None:
    tree["From"] = "a@example.org"
    data = tree.as_bytes(policy=email.policy.default.clone(linesep=linesep))
    structure = parse_message(data)
    check_invariants(data, structure)
    compare_with_stdlib(data, structure.root, stdlib_parse(data))


def exercise(data: bytes, max_depth: int = 100, max_parts: int = 10_000) -> None:
    """Everything a server would do with a message: nothing may raise."""
    structure = parse_message(data, max_depth=max_depth, max_parts=max_parts)
    # Each multipart found empty gets a part of its own, beyond max_parts.
    assert check_invariants(data, structure, max_depth) <= 2 * max_parts
    envelope(data, structure)
    header_fields(data, structure.header, ["from", "subject"])
    header_items(data, structure.header)
    for _, part in structure.walk():
        part.param("charset")
        part.disposition_param("filename")
        if part.message is not None:
            envelope(data, part.message)
            header_fields(data, part.message.header, ["to"], not_=True)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(data: bytes) -> None:
    exercise(data)


MIME_LINES = st.sampled_from(
    [
        "",
        "\r",
        "Content-Type: multipart/mixed; boundary=a",
        "Content-Type: multipart/digest; boundary=b",
        'Content-Type: multipart/alternative; boundary="a b"',
        "Content-Type: message/rfc822",
        "Content-Type: message/global",
        "Content-Type: text/plain; name*0*=utf-8''%C3; name*1=x; name*3=y",
        "Content-Type: multipart/mixed",
        "MIME-Version: 1.0",
        "Content-Transfer-Encoding: base64",
        'Content-Disposition: attachment; filename="x\\"y"',
        'From: G: a@b, <@r:c@d>, "q" (c) <e@f>;',
        "To: (comment",
        " folded",
        "--a",
        "--a--",
        "--a b",
        "--a b--",
        "--b",
        "--b--",
        "--a   ",
        "--",
        "text",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(MIME_LINES, max_size=40), st.sampled_from(["\r\n", "\n"]))
def test_random_mime_line_soup_never_raises(lines: list[str], linesep: str) -> None:
    data = linesep.join(lines).encode()
    exercise(data)
    exercise(data, max_depth=2, max_parts=4)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(CORPUS)), st.data())
def test_truncated_and_mutated_corpus_messages_never_raise(name: str, draw: st.DataObject) -> None:
    data = CORPUS[name]
    cut = draw.draw(st.integers(0, len(data)))
    exercise(data[:cut])
    where = draw.draw(st.integers(0, len(data)))
    junk = draw.draw(st.sampled_from([b"\r\n--", b"\n", b"\r\n\r\n", b"--", b"\x00", b"("]))
    exercise(data[:where] + junk + data[where + 1 :])


# --- the cache -----------------------------------------------------------------------------------


def test_structure_cache() -> None:
    cache = StructureCache(maxsize=2)
    first = cache.get("one", EXAMPLE)
    assert cache.get("one", EXAMPLE) is first
    assert "one" in cache
    assert len(cache) == 1
    cache.get("two", CORPUS["nested"])
    cache.get("one", EXAMPLE)  # "one" is now the most recently used
    cache.get("three", CORPUS["digest"])
    assert "two" not in cache
    assert "one" in cache
    assert "three" in cache
    assert cache.get("one", CORPUS["digest"]) is not first  # another size: parsed again
    cache.discard("one")
    cache.discard("missing")
    assert "one" not in cache
    cache.clear()
    assert len(cache) == 0
    with pytest.raises(ValueError, match="maxsize"):
        StructureCache(0)


def test_structure_cache_passes_the_limits_on() -> None:
    cache = StructureCache(max_depth=1, max_parts=5)
    structure = cache.get(1, nested_multiparts(4))
    assert depth_of(structure.root) == 2


def iter_all(structure: MessageStructure) -> Iterator[Part]:
    yield structure.root
    for _, part in structure.walk():
        yield part


def test_parts_are_hashable_values() -> None:
    a = parse_message(EXAMPLE)
    b = parse_message(bytes(EXAMPLE))
    assert a == b
    assert hash(a) == hash(b)
    assert len(set(iter_all(a))) == 13
