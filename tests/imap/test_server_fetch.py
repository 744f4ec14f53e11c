"""FETCH on the server (servers/_imap_fetch.py): every item against a MemoryMailstore and the
real SelectedView, the RFC 9051 §6.4.5 section and partial rules, \\Seen, BINARY, CONDSTORE
and QRESYNC -- and every response survives the codec's serializer and parser unchanged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pytest

from pymailproto.imap import (
    Address,
    BasicBody,
    BinaryKey,
    BinarySize,
    BodyKey,
    Code,
    CommandParser,
    Condition,
    Disposition,
    Envelope,
    Extension,
    FetchAttribute,
    FetchCommand,
    FetchData,
    FetchMacro,
    FetchResponse,
    Flag,
    MessageBody,
    MultipartBody,
    Response,
    Section,
    SequenceSet,
    TextBody,
    VanishedResponse,
    parse_response,
    serialize,
)
from pymailproto.imap._body import without_extension
from pymailproto.mailstore import MemoryMailstore, NoSuchMessage
from pymailproto.mime import MessageStructure, StructureCache, envelope, parse_message
from pymailproto.servers import _imap_fetch
from pymailproto.servers._imap_fetch import (
    FetchError,
    FetchPlan,
    UnknownCTE,
    decode_transfer_encoding,
    fetch,
    fetch_items,
    to_body_structure,
    to_envelope,
)
from pymailproto.servers._imap_view import SelectedView
from tests import mime_corpus

CORPUS = mime_corpus.corpus()
EXAMPLE = mime_corpus.RFC9051_EXAMPLE
USER = "alice"
SEEN = Flag("\\Seen")


def crlf(text: str) -> bytes:
    """A message written with LF in the test, stored with CRLF."""
    return text.encode("utf-8").replace(b"\n", b"\r\n")


def command(text: str) -> FetchCommand:
    """The command ``[UID] FETCH text`` (``FETCH`` may be left out), as the command parser
    reads it."""
    if not text.startswith(("FETCH ", "UID ")):
        text = "FETCH " + text
    parser = CommandParser()
    parser.feed(b"t " + text.encode("utf-8") + b"\r\n")
    (parsed,) = list(parser)
    assert isinstance(parsed, FetchCommand), parsed
    return parsed


def wire_checked(responses: Iterable[Response]) -> list[Response]:
    """``responses``, each checked to read back equal from its wire form."""
    checked = list(responses)
    for response in checked:
        assert parse_response(serialize(response)) == response
    return checked


def fetches(responses: Iterable[Response]) -> list[FetchResponse]:
    """``responses``, checked to be FETCH responses."""
    found = list(responses)
    assert all(isinstance(r, FetchResponse) for r in found), found
    return found  # type: ignore[return-value]


class Mailbox:
    """Messages delivered to alice's INBOX and a session's view of it."""

    def __init__(self, *messages: bytes, read_only: bool = False, qresync: bool = False) -> None:
        self.store = MemoryMailstore()
        for message in messages:
            self.store.deliver(USER, "INBOX", message)
        self.box = self.store.account(USER).mailbox("INBOX")
        self.read_only = read_only
        self.qresync = qresync
        self.view = self.reselect()

    def reselect(self) -> SelectedView:
        snapshot = self.box.snapshot(claim_recent=not self.read_only)
        self.view = SelectedView(self.box, snapshot, read_only=self.read_only, qresync=self.qresync)
        return self.view

    def run(
        self,
        text: str,
        *,
        condstore: bool = False,
        qresync: bool = False,
        cache: StructureCache | None = None,
        cache_scope: str | None = None,
    ) -> list[Response]:
        run = fetch(
            self.view,
            command(text),
            condstore=condstore,
            qresync=qresync,
            cache=cache,
            cache_scope=cache_scope,
        )
        return wire_checked(run)

    def fetches(self, text: str, **options: Any) -> list[FetchResponse]:
        return fetches(self.run(text, **options))

    def data(self, text: str, **options: Any) -> FetchData:
        (response,) = self.fetches(text, **options)
        return response.data

    def keys(self, text: str, **options: Any) -> list[object]:
        return list(self.data(text, **options))


# --- every item on the corpus ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_item_on_a_corpus_message(name: str) -> None:
    data = CORPUS[name]
    mailbox = Mailbox(data)
    structure = parse_message(data)
    info = mailbox.box.get(1)
    got = mailbox.data(
        "1 (FLAGS UID INTERNALDATE RFC822.SIZE ENVELOPE BODY BODYSTRUCTURE MODSEQ "
        "BODY.PEEK[] BODY.PEEK[HEADER] BODY.PEEK[TEXT] RFC822.HEADER BINARY.PEEK[] "
        "BINARY.SIZE[])"
    )
    assert got.flags == (Flag.RECENT,)
    assert got.uid == 1
    assert got.internaldate == info.internal_date
    assert got.rfc822_size == len(data) == info.size
    assert got.modseq == info.modseq
    assert got.section("") == data
    assert got.section("HEADER") == got.rfc822_header == structure.header.of(data)
    assert got.section("TEXT") == structure.text.of(data)
    assert got.binary() == data
    assert got.binary_size() == len(data)
    assert got.envelope == to_envelope(envelope(data, structure))
    bodystructure = got.bodystructure
    assert bodystructure == to_body_structure(data, structure.root, extensible=True)
    assert bodystructure is not None
    assert got.body == without_extension(bodystructure)
    # Every numbered part, and its MIME header, byte for byte.
    numbered = list(structure.walk())
    items = " ".join(f"BODY.PEEK[{'.'.join(map(str, p))}]" for p, _ in numbered)
    mimes = " ".join(f"BODY.PEEK[{'.'.join(map(str, p))}.MIME]" for p, _ in numbered)
    parts = mailbox.data(f"1 ({items} {mimes})")
    for path, part in numbered:
        number = ".".join(map(str, path))
        assert parts.section(number) == part.body.of(data).replace(b"\0", b"\x80")
        assert parts.section(number + ".MIME") == part.header.of(data)


def test_forwarded_message_structure_and_envelope() -> None:
    got = Mailbox(CORPUS["forwarded"]).data("1 (BODYSTRUCTURE ENVELOPE)")
    assert got.envelope is not None
    assert got.envelope.subject == b"Fwd: original"
    assert (
        got.envelope.sender == got.envelope.from_ == (Address(None, None, "alice", "example.org"),)
    )
    outer = got.bodystructure
    assert isinstance(outer, MultipartBody)
    inner = outer.parts[1]
    assert isinstance(inner, MessageBody)
    assert inner.envelope.subject == b"original"
    assert inner.envelope.message_id == b"<orig@example.org>"
    assert inner.envelope.date == b"Mon, 01 Jan 2024 10:00:00 +0000"
    assert isinstance(inner.body, MultipartBody)
    assert inner.lines > 0


def test_group_syntax_in_the_envelope() -> None:
    got = Mailbox(CORPUS["encoded_words"]).data("1 ENVELOPE")
    assert got.envelope is not None
    assert got.envelope.to == (
        Address.group_start("Friends"),
        Address(None, None, "a", "example.org"),
        Address("C D", None, "c", "example.org"),
        Address.group_end(),
    )
    assert got.envelope.subject is not None
    assert got.envelope.subject.startswith(b"=?utf-8?")


def test_envelope_nil_and_empty_fields() -> None:
    # RFC 9051 §7.5.2: absent Date/Subject/... are NIL, present but empty are "".
    got = Mailbox(crlf("Subject:\nFrom: a@example.org\n\nbody\n")).data("1 ENVELOPE")
    assert got.envelope == Envelope(
        subject=b"",
        from_=[Address(None, None, "a", "example.org")],
        sender=[Address(None, None, "a", "example.org")],
        reply_to=[Address(None, None, "a", "example.org")],
    )


def test_envelope_strings_for_humans_and_without_nul() -> None:
    data = crlf(
        'Subject:  Hello \t there\n  folded  \nFrom: "Ann   \t Lee" <ann@example.org>\n'
        "Message-ID: <a\0b@example.org>\n\nbody\n"
    )
    got = Mailbox(data).data("1 ENVELOPE")
    assert got.envelope is not None
    assert got.envelope.subject == b"Hello there folded"
    assert got.envelope.from_ == (Address("Ann Lee", None, "ann", "example.org"),)
    assert got.envelope.message_id == b"<a\x80b@example.org>"


# --- BODYSTRUCTURE and BODY -----------------------------------------------------------------------


def test_bodystructure_of_a_plain_message_on_the_wire() -> None:
    data = crlf("From: a@example.org\nSubject: x\n\nJust text.\n")
    (response,) = Mailbox(data).run("1 (BODY BODYSTRUCTURE)")
    assert serialize(response) == (
        b'* 1 FETCH (BODY ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1) '
        b'BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1 '
        b"NIL NIL NIL NIL))\r\n"
    )


EXTENDED = crlf(
    "From: a@example.org\n"
    "MIME-Version: 1.0\n"
    'Content-Type: multipart/mixed; boundary="b"; x-note="hi"\n'
    "Content-Disposition: inline\n"
    "Content-Language: fr\n"
    "\n"
    "--b\n"
    'Content-Type: text/plain; charset=us-ascii; name="a.txt"\n'
    "Content-ID: <id@x>\n"
    "Content-Description: the text\n"
    "Content-Transfer-Encoding: 8bit\n"
    "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\n"
    'Content-Disposition: attachment; filename="a.txt"\n'
    "Content-Language: en, de\n"
    "Content-Location: http://example.org/a.txt\n"
    "\n"
    "one\n"
    "two\n"
    "--b\n"
    "Content-Type: application/pdf\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "JVBERg==\n"
    "--b--\n"
)


def test_bodystructure_extension_data() -> None:
    got = Mailbox(EXTENDED).data("1 (BODYSTRUCTURE BODY)")
    text = TextBody(
        "text",
        "plain",
        params=[("charset", "us-ascii"), ("name", "a.txt")],
        id="<id@x>",
        description="the text",
        encoding="8bit",
        octets=len(b"one\r\ntwo"),
        lines=1,
        extension=Extension(
            md5="Q2hlY2sgSW50ZWdyaXR5IQ==",
            disposition=Disposition("attachment", [("filename", "a.txt")]),
            language=["en", "de"],
            location="http://example.org/a.txt",
        ),
    )
    pdf = BasicBody(
        "application", "pdf", encoding="base64", octets=8, extension=Extension(fields=4)
    )
    expected = MultipartBody(
        [text, pdf],
        "mixed",
        Extension(
            params=[("boundary", "b"), ("x-note", "hi")],
            disposition=Disposition("inline"),
            language="fr",
        ),
    )
    assert got.bodystructure == expected
    assert got.body == without_extension(expected)
    wire = serialize(FetchResponse(1, got))
    # All four extension fields, even when NIL (as Dovecot writes them).
    assert b'"base64" 8 NIL NIL NIL NIL)' in wire


def test_bodystructure_of_message_global_and_nul_in_parameters() -> None:
    data = crlf(
        "From: a@example.org\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="b"\n'
        "\n"
        "--b\n"
        "Content-Type: message/global\n"
        "\n"
        "Subject: inner\n"
        "\n"
        "inner text\n"
        "--b\n"
        'Content-Type: application/x-odd; name="a\0b"\n'
        "\n"
        "x\n"
        "--b--\n"
    )
    got = Mailbox(data).data("1 BODYSTRUCTURE")
    outer = got.bodystructure
    assert isinstance(outer, MultipartBody)
    message, odd = outer.parts
    assert isinstance(message, MessageBody)
    assert message.subtype == b"global"
    assert message.envelope.subject == b"inner"
    assert isinstance(odd, BasicBody)
    assert odd.params == ((b"name", b"a\x80b"),)


# --- sections -------------------------------------------------------------------------------------

# RFC 9051 §6.4.5.1's example message: section -> the exact octets.
EXAMPLE_SECTIONS = {
    "1": b"Part 1.",
    "1.MIME": b"Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\n",
    "2": b"UGFydCAyLg==",
    "3.HEADER": (
        b"From: a@example.org\r\nSubject: part 3\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: MULTIPART/MIXED; BOUNDARY="m3"\r\n\r\n'
    ),
    "3.TEXT": (
        b"--m3\r\n\r\nPart 3.1.\r\n--m3\r\nContent-Type: APPLICATION/OCTET-STREAM\r\n\r\n"
        b"Part 3.2.\r\n--m3--\r\n"  # the close delimiter keeps its line break, as in Dovecot
    ),
    "3.1": b"Part 3.1.",
    "3.2": b"Part 3.2.",
    "4.1": b"R0lGODlh",
    "4.1.MIME": b"Content-Type: IMAGE/GIF\r\nContent-Transfer-Encoding: BASE64\r\n\r\n",
    "4.2.HEADER": (
        b"From: b@example.org\r\nSubject: part 4.2\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: MULTIPART/MIXED; BOUNDARY="m42"\r\n\r\n'
    ),
    "4.2.1": b"Part 4.2.1.",
    "4.2.2.1": b"Part 4.2.2.1.",
    "4.2.2.2": b"Part 4.2.2.2.",
    "HEADER.FIELDS (subject TO)": b"To: imap@cac.washington.edu\r\nSubject: sections\r\n\r\n",
    "HEADER.FIELDS.NOT (From To Subject MIME-Version)": (
        b'Content-Type: MULTIPART/MIXED; BOUNDARY="outer"\r\n\r\n'
    ),
    "3.HEADER.FIELDS (SUBJECT)": b"Subject: part 3\r\n\r\n",
    "4.2.HEADER.FIELDS.NOT (from subject mime-version content-type)": b"\r\n",
}


@pytest.mark.parametrize(("section", "expected"), EXAMPLE_SECTIONS.items())
def test_rfc9051_example_sections(section: str, expected: bytes) -> None:
    got = Mailbox(EXAMPLE).data(f"1 BODY.PEEK[{section}]")
    # The key echoes the section as asked, field names as sent.
    assert list(got) == [BodyKey(Section.parse(section))]
    assert got.section(section) == expected


@pytest.mark.parametrize(
    "section", ["5", "1.2", "1.TEXT", "2.HEADER", "4.3", "4.1.1.1", "3.3.MIME"]
)
def test_sections_that_do_not_exist_are_empty(section: str) -> None:
    # As Dovecot (imap-msgpart.c): "MIME part not found. return an empty part."
    got = Mailbox(EXAMPLE).data(f"1 (BODY.PEEK[{section}] BODY.PEEK[{section}]<2.5>)")
    assert got.section(section) == b""
    assert got.section(section, 2) == b""


def test_rfc9051_partial_fetch_rules() -> None:
    data = crlf("Subject: partial\n\n") + b"x" * (1500 - len(crlf("Subject: partial\n\n")))
    assert len(data) == 1500
    mailbox = Mailbox(data)
    # RFC 9051 §6.4.5: BODY[]<0.2048> of a 1500-octet message is BODY[]<0>, all 1500 octets.
    got = mailbox.data("1 BODY.PEEK[]<0.2048>")
    assert list(got) == [BodyKey(Section(), 0)]
    assert got.section("", 0) == data
    got = mailbox.data("1 (BODY.PEEK[]<10.5> BODY.PEEK[]<1498.100> BODY.PEEK[]<1500.1>)")
    assert got.section("", 10) == data[10:15]
    assert got.section("", 1498) == data[1498:]
    assert got.section("", 1500) == b""  # starts beyond the end: empty
    # A partial HEADER.FIELDS is cut after subsetting.
    got = Mailbox(EXAMPLE).data("1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]<9.8>")
    assert got.section("HEADER.FIELDS (SUBJECT)", 9) == b"sections"


def test_rfc822_items() -> None:
    mailbox = Mailbox(EXAMPLE)
    got = mailbox.data("1 (RFC822.HEADER RFC822.TEXT RFC822)")
    structure = parse_message(EXAMPLE)
    assert got.rfc822_header == structure.header.of(EXAMPLE)
    assert got.rfc822_text == structure.text.of(EXAMPLE)
    assert got.rfc822 == EXAMPLE
    assert list(got) == ["RFC822.HEADER", "RFC822.TEXT", "RFC822", "FLAGS"]


def test_nul_in_body_sections_becomes_0x80_but_binary_keeps_it() -> None:
    data = crlf("Subject: nul\nContent-Transfer-Encoding: binary\n\na\0b\n")
    got = Mailbox(data).data("1 (BODY.PEEK[TEXT] BODY.PEEK[1] BINARY.PEEK[1] RFC822.TEXT)")
    assert got.section("TEXT") == got.section("1") == b"a\x80b\r\n"
    assert got.rfc822_text == b"a\x80b\r\n"
    assert got.binary([1]) == b"a\0b\r\n"
    assert b"~{5}\r\na\0b\r\n" in serialize(FetchResponse(1, got))  # literal8 (RFC 9051 §7.5.2)


# --- macros, order, UID ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("macro", "keys"),
    [
        ("FAST", ["FLAGS", "INTERNALDATE", "RFC822.SIZE"]),
        ("ALL", ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"]),
        ("FULL", ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"]),
    ],
)
def test_macros(macro: str, keys: list[str]) -> None:
    assert Mailbox(EXAMPLE).keys(f"1 {macro}") == keys
    assert FetchPlan(FetchMacro(macro)).items == FetchMacro(macro).expand()


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("UID FETCH 1 (FLAGS)", ["UID", "FLAGS"]),
        ("UID FETCH 1 (FLAGS UID)", ["UID", "FLAGS"]),
        ("FETCH 1 (FLAGS UID)", ["FLAGS", "UID"]),
        ("FETCH 1 (RFC822.SIZE FLAGS RFC822.SIZE)", ["RFC822.SIZE", "FLAGS"]),
        ("FETCH 1 (FLAGS MODSEQ)", ["FLAGS", "MODSEQ"]),
    ],
)
def test_item_order(text: str, keys: list[str]) -> None:
    assert Mailbox(EXAMPLE).keys(text) == keys


def test_uid_fetch_numbers_and_uids() -> None:
    mailbox = Mailbox(EXAMPLE, EXAMPLE, EXAMPLE)
    responses = mailbox.fetches("UID FETCH 2:* (RFC822.SIZE)")
    assert [(r.number, r.uid) for r in responses] == [(2, 2), (3, 3)]
    assert mailbox.run("UID FETCH 7 FLAGS") == []  # UIDs not in the mailbox are ignored


def test_recent_and_internal_date() -> None:
    when = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    store = MemoryMailstore()
    store.deliver(USER, "INBOX", EXAMPLE, flags=["\\Flagged", "$Label"], internal_date=when)
    box = store.account(USER).mailbox("INBOX")
    view = SelectedView(box, box.snapshot(claim_recent=False), read_only=True, qresync=False)
    (response,) = wire_checked(fetch(view, command("1 (FLAGS INTERNALDATE)")))
    assert isinstance(response, FetchResponse)
    assert response.data.flags == (Flag("$Label"), Flag("\\Flagged"))  # no \Recent: unclaimed
    assert response.data.internaldate == when


# --- \Seen ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("item", ["BODY[]", "BODY[1]<0.3>", "BINARY[1]", "RFC822", "RFC822.TEXT"])
def test_items_that_set_seen(item: str) -> None:
    mailbox = Mailbox(EXAMPLE)
    got = mailbox.data(f"1 {item}")
    # RFC 9051 §6.4.5: the flags the FETCH changed are in its response, at the end.
    assert list(got)[-1] == "FLAGS"
    assert got.flags == (SEEN, Flag.RECENT)
    assert mailbox.box.get(1).seen
    assert mailbox.view.pending_updates() == []  # the store's echo is not news to this session
    assert "FLAGS" not in mailbox.data(f"1 {item}")  # already \Seen: nothing changed


@pytest.mark.parametrize(
    "item", ["BODY.PEEK[]", "BINARY.PEEK[1]", "BINARY.SIZE[1]", "RFC822.HEADER", "BODYSTRUCTURE"]
)
def test_items_that_do_not_set_seen(item: str) -> None:
    mailbox = Mailbox(EXAMPLE)
    assert "FLAGS" not in mailbox.data(f"1 {item}")
    assert not mailbox.box.get(1).seen


def test_seen_with_flags_requested_and_one_store_call(monkeypatch: pytest.MonkeyPatch) -> None:
    mailbox = Mailbox(EXAMPLE, EXAMPLE, EXAMPLE)
    mailbox.box.store_flags([2], "add", ["\\Seen"])
    calls: list[list[int]] = []
    store_flags = type(mailbox.box).store_flags

    def counting(self: Any, uids: Iterable[int], *args: Any, **kw: Any) -> Any:
        calls.append(list(uids))
        return store_flags(self, calls[-1], *args, **kw)

    monkeypatch.setattr(type(mailbox.box), "store_flags", counting)
    responses = mailbox.run("1:3 (FLAGS BODY[TEXT]<0.4>)")
    assert calls == [[1, 2, 3]]
    for response in responses:
        assert isinstance(response, FetchResponse)
        assert list(response.data) == ["FLAGS", BodyKey(Section.parse("TEXT"), 0)]
        assert response.data.flags == (SEEN, Flag.RECENT)


def test_read_only_mailbox_never_sets_seen() -> None:
    mailbox = Mailbox(EXAMPLE, read_only=True)
    assert mailbox.keys("1 (BODY[TEXT] RFC822)") == [BodyKey(Section.parse("TEXT")), "RFC822"]
    assert not mailbox.box.get(1).seen


def test_qresync_adds_uid_and_modseq_where_seen_changed() -> None:
    mailbox = Mailbox(EXAMPLE, EXAMPLE, qresync=True)
    mailbox.box.store_flags([2], "add", ["\\Seen"])
    first, second = mailbox.run("1:2 BODY[1]", condstore=True, qresync=True)
    assert isinstance(first, FetchResponse)
    assert isinstance(second, FetchResponse)
    # RFC 7162 §3.2.4: UID and MODSEQ in the response of a FETCH that set \Seen.
    assert list(first.data) == ["UID", "MODSEQ", BodyKey(Section.parse("1")), "FLAGS"]
    assert first.data.modseq == mailbox.box.get(1).modseq
    assert list(second.data) == ["MODSEQ", BodyKey(Section.parse("1"))]


# --- BINARY ---------------------------------------------------------------------------------------

QP = crlf(
    "Subject: qp\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: Quoted-Printable\n\ncaf=C3=A9 =3D soft=\n break\nline two\n"
)
BASE64_LF_TEXT = crlf(
    "Subject: b64\nMIME-Version: 1.0\nContent-Type: text/plain\n"
    "Content-Transfer-Encoding: base64\n\nb25lCnR3bwo=\n"
)
UUENCODE = crlf(
    "Subject: uu\nMIME-Version: 1.0\nContent-Type: application/octet-stream\n"
    "Content-Transfer-Encoding: x-uuencode\n\nbegin 644 x\n`\nend\n"
)


def test_binary_decodes_base64_of_the_rfc_example() -> None:
    got = Mailbox(EXAMPLE).data(
        "1 (BINARY.PEEK[2] BINARY.SIZE[2] BINARY.PEEK[4.1]<1.3> BINARY.PEEK[3.1] "
        "BINARY.PEEK[3] BINARY.PEEK[4] BINARY.PEEK[9] BINARY.SIZE[9])"
    )
    assert got.binary([2]) == b"Part 2."
    assert got.binary_size([2]) == 7
    assert got.binary([4, 1], 1) == b"IF8"  # the partial counts decoded octets
    assert got.binary([3, 1]) == b"Part 3.1."
    # Not leaves: the octets as they are (a message part, a multipart).
    structure = parse_message(EXAMPLE)
    for number in (3, 4):
        part = structure.part((number,))
        assert part is not None
        assert got.binary([number]) == part.body.of(EXAMPLE)
    assert got.binary([9]) == b""
    assert got.binary_size([9]) == 0
    assert list(got)[-2:] == [BinaryKey((9,)), BinarySize((9,))]


def test_binary_quoted_printable_and_text_line_ends() -> None:
    got = Mailbox(QP).data("1 (BINARY.PEEK[1] BINARY.SIZE[1])")
    decoded = "café = soft break\r\nline two\r\n".encode()
    assert got.binary([1]) == decoded
    assert got.binary_size([1]) == len(decoded)
    # RFC 9051 §7.5.2: text comes out with CRLF whatever the encoded form had.
    got = Mailbox(BASE64_LF_TEXT).data("1 (BINARY.PEEK[1] BINARY.SIZE[1])")
    assert got.binary([1]) == b"one\r\ntwo\r\n"
    assert got.binary_size([1]) == 10


def test_binary_unknown_transfer_encoding_fails_the_command() -> None:
    mailbox = Mailbox(EXAMPLE, UUENCODE)
    assert mailbox.data("2 BODY.PEEK[1]").section("1") == b"begin 644 x\r\n`\r\nend\r\n"
    for item in ("BINARY.PEEK[1]", "BINARY.SIZE[1]"):
        run = iter(fetch(mailbox.view, command(f"1:2 {item}")))
        first = next(run)
        assert isinstance(first, FetchResponse)  # the good message before it was answered
        with pytest.raises(UnknownCTE) as caught:
            next(run)
        assert caught.value.code is Code.UNKNOWN_CTE
        assert caught.value.condition is Condition.NO
        assert caught.value.encoding == b"x-uuencode"


@pytest.mark.parametrize(
    ("encoding", "value", "text", "expected"),
    [
        (b"BASE64", b"UGFydCAyLg==\r\n", False, b"Part 2."),
        (b"base64", b"UGFydCAyLg\r\n", False, b"Part 2."),  # padding missing
        (b"base64", b"UGFydCAyL", False, b"Part 2"),  # a lone sextet left over
        (b"base64", b"UGFy!dCAy*Lg", False, b"Part 2."),  # junk and no padding
        (b"7BIT", b"a\nb\r\n", False, b"a\nb\r\n"),
        (b"8bit", b"a\nb\r\n", True, b"a\r\nb\r\n"),
        (b"Binary", b"\0\n", False, b"\0\n"),
        (b"quoted-printable", b"a=3Db=\r\nc\r\n", False, b"a=bc\r\n"),
    ],
)
def test_decode_transfer_encoding(
    encoding: bytes, value: bytes, text: bool, expected: bytes
) -> None:
    assert decode_transfer_encoding(encoding, value, text=text) == expected


def test_decode_unknown_transfer_encoding() -> None:
    with pytest.raises(UnknownCTE, match="x-uuencode"):
        decode_transfer_encoding(b"x-uuencode", b"")


# --- CONDSTORE and QRESYNC ------------------------------------------------------------------------


def test_condstore_puts_modseq_in_every_response() -> None:
    mailbox = Mailbox(EXAMPLE, EXAMPLE)
    responses = mailbox.run("1:2 FLAGS", condstore=True)
    for uid, response in enumerate(responses, 1):
        assert isinstance(response, FetchResponse)
        assert list(response.data) == ["MODSEQ", "FLAGS"]
        assert response.data.modseq == mailbox.box.get(uid).modseq
    assert mailbox.keys("1 FLAGS") == ["FLAGS"]


def test_changedsince_fetches_only_messages_changed_after() -> None:
    mailbox = Mailbox(EXAMPLE, EXAMPLE, EXAMPLE, EXAMPLE)
    since = mailbox.box.highestmodseq
    mailbox.box.store_flags([2, 4], "add", ["$Seen-by-bot"])
    (response,) = mailbox.fetches(f"UID FETCH 1:3 (FLAGS) (CHANGEDSINCE {since})")
    # RFC 7162 example 12: UID, then the implied MODSEQ, then the items.
    assert list(response.data) == ["UID", "MODSEQ", "FLAGS"]
    assert response.data.uid == 2
    assert response.data.modseq == mailbox.box.get(2).modseq > since
    # CHANGEDSINCE filters before \Seen is set: unchanged messages stay unseen.
    changed = mailbox.fetches(f"1:4 (BODY[1]) (CHANGEDSINCE {since})")
    assert [r.number for r in changed] == [2, 4]
    assert [mailbox.box.get(uid).seen for uid in (1, 2, 3, 4)] == [False, True, False, True]


def test_vanished_earlier_comes_first() -> None:
    mailbox = Mailbox(*[EXAMPLE] * 6, qresync=True)
    since = mailbox.box.highestmodseq
    mailbox.box.store_flags([2, 4, 6], "add", ["\\Deleted"])
    mailbox.box.expunge()
    mailbox.box.store_flags([5], "add", ["\\Flagged"])
    mailbox.reselect()
    responses = mailbox.run(
        f"UID FETCH 1:* (FLAGS) (CHANGEDSINCE {since} VANISHED)", condstore=True, qresync=True
    )
    # RFC 7162 §3.2.6: VANISHED (EARLIER) before any FETCH; "*" reaches the expunged UID 6.
    assert responses[0] == VanishedResponse(SequenceSet.parse("2,4,6"), earlier=True)
    assert [r.uid for r in fetches(responses[1:])] == [5]
    responses = mailbox.run(
        f"UID FETCH 3:4 (FLAGS) (CHANGEDSINCE {since} VANISHED)", condstore=True, qresync=True
    )
    assert responses == [VanishedResponse(SequenceSet.parse("4"), earlier=True)]
    now = mailbox.box.highestmodseq
    assert mailbox.run(f"UID FETCH 1:* FLAGS (CHANGEDSINCE {now} VANISHED)", qresync=True) == []


def test_vanished_needs_qresync() -> None:
    mailbox = Mailbox(EXAMPLE)
    with pytest.raises(FetchError) as caught:
        fetch(mailbox.view, command("UID FETCH 1:* FLAGS (CHANGEDSINCE 1 VANISHED)"))
    assert caught.value.condition is Condition.BAD


# --- the plan, laziness, streaming ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "data", "structure", "seen"),
    [
        ("(FLAGS UID RFC822.SIZE INTERNALDATE MODSEQ)", False, False, False),
        ("BODY.PEEK[]", True, False, False),
        ("RFC822", True, False, True),
        ("BINARY.PEEK[]", True, False, False),
        ("BINARY[1]", True, True, True),
        ("BINARY.SIZE[1]", True, True, False),
        ("BINARY.SIZE[]", True, False, False),
        ("RFC822.HEADER", True, True, False),
        ("BODY[HEADER]", True, True, True),
        ("ENVELOPE", True, True, False),
    ],
)
def test_plan(items: str, data: bool, structure: bool, seen: bool) -> None:
    plan = FetchPlan(command(f"1 {items}").items)
    assert (plan.needs_data, plan.needs_structure, plan.sets_seen) == (data, structure, seen)
    assert plan.modseq == ("MODSEQ" in items)


def test_plan_refuses_items_the_server_does_not_offer() -> None:
    for item in (FetchAttribute.EMAILID, FetchAttribute.THREADID, FetchAttribute.PREVIEW):
        with pytest.raises(FetchError) as caught:
            FetchPlan([item])
        assert caught.value.condition is Condition.BAD
    with pytest.raises(FetchError):
        fetch(Mailbox(EXAMPLE).view, command("1 (FLAGS EMAILID)"))


def test_flags_only_fetch_never_reads_the_message(monkeypatch: pytest.MonkeyPatch) -> None:
    mailbox = Mailbox(EXAMPLE, EXAMPLE)

    def forbidden(*args: object) -> bytes:
        raise AssertionError("read the message")

    monkeypatch.setattr(type(mailbox.box), "read", forbidden)
    assert len(mailbox.run("1:* (FLAGS UID RFC822.SIZE INTERNALDATE MODSEQ)")) == 2
    info = mailbox.box.get(1)
    plan = FetchPlan(FetchMacro.FAST)
    assert list(fetch_items(plan, info, forbidden, uid=True)) == ["UID", *plan.items]


def test_whole_message_is_never_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    mailbox = Mailbox(EXAMPLE)

    def forbidden(data: bytes) -> object:
        raise AssertionError("parsed the message")

    monkeypatch.setattr(_imap_fetch, "parse_message", forbidden)
    assert mailbox.data("1 (BODY.PEEK[] RFC822 BINARY.PEEK[])").rfc822 == EXAMPLE


def test_read_and_parse_once_per_message() -> None:
    info = Mailbox(EXAMPLE).box.get(1)
    reads: list[int] = []
    parses: list[int] = []

    def read() -> bytes:
        reads.append(1)
        return EXAMPLE

    def parse(data: bytes) -> MessageStructure:
        parses.append(1)
        return parse_message(data)

    plan = FetchPlan(command("1 (ENVELOPE BODYSTRUCTURE BODY.PEEK[1] BINARY.PEEK[2])").items)
    items = fetch_items(plan, info, read, parse)
    assert len(items) == 4
    assert (len(reads), len(parses)) == (1, 1)


def test_responses_stream_one_message_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    mailbox = Mailbox(*[EXAMPLE] * 5)
    reads: list[int] = []
    read = type(mailbox.box).read

    def counting(self: Any, uid: int) -> bytes:
        reads.append(uid)
        return read(self, uid)

    monkeypatch.setattr(type(mailbox.box), "read", counting)
    run = fetch(mailbox.view, command("1:* BODY.PEEK[]"))
    responses = iter(run)
    assert reads == []
    next(responses)
    assert reads == [1]
    next(responses)
    assert reads == [1, 2]
    with pytest.raises(RuntimeError):
        iter(run)  # a run is iterated once


def test_structure_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    mailbox = Mailbox(EXAMPLE, CORPUS["nested"])
    parses: list[int] = []
    real = parse_message

    def counting(data: bytes, **kw: int) -> MessageStructure:
        parses.append(1)
        return real(data, **kw)

    monkeypatch.setattr("pymailproto.mime._cache.parse_message", counting)
    cache = StructureCache()
    first = mailbox.fetches("1:2 BODYSTRUCTURE", cache=cache)
    again = mailbox.fetches("1:2 (BODYSTRUCTURE ENVELOPE)", cache=cache)
    assert [r.data.bodystructure for r in again] == [r.data.bodystructure for r in first]
    assert len(parses) == 2  # once per message
    box = mailbox.box
    assert (box, box.uidvalidity, 1) in cache
    mailbox.run("1 BODYSTRUCTURE", cache=cache, cache_scope=USER)
    assert (USER, "INBOX", box.uidvalidity, 1) in cache


# --- messages expunged by others ------------------------------------------------------------------


def test_messages_expunged_meanwhile_are_skipped() -> None:
    mailbox = Mailbox(EXAMPLE, EXAMPLE, EXAMPLE)
    other = mailbox.store.account(USER).mailbox("INBOX")
    other.store_flags([2], "add", ["\\Deleted"])
    other.expunge()
    run = fetch(mailbox.view, command("1:3 (FLAGS BODY.PEEK[1])"))
    responses = fetches(wire_checked(run))
    # The view still numbers the message 2 (no EXPUNGE during FETCH, RFC 9051 §7.5.1).
    assert [r.number for r in responses] == [1, 3]
    assert run.expunged == [2]
    run = fetch(mailbox.view, command("1:3 (FLAGS) (CHANGEDSINCE 1)"))
    assert len(list(run)) == 2
    assert run.expunged == [2]


def test_message_gone_when_read_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    mailbox = Mailbox(EXAMPLE, EXAMPLE)
    read = type(mailbox.box).read

    def gone(self: Any, uid: int) -> bytes:
        if uid == 1:
            raise NoSuchMessage("expunged")
        return read(self, uid)

    monkeypatch.setattr(type(mailbox.box), "read", gone)
    run = fetch(mailbox.view, command("1:2 RFC822.HEADER"))
    assert [r.number for r in fetches(run)] == [2]
    assert run.expunged == [1]
