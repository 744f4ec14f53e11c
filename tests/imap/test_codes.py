"""Response codes and resp-text (RFC 9051 §7.1, RFC 3501 §7.1, RFC 4315, RFC 7162, ...).

Known answers: the status-response texts of the RFCs' examples (what follows ``OK`` / ``NO``
/ ``BAD`` SP), parsed to the code and text given here and written back.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings

from pymailproto.imap._codes import (
    AppendUidCode,
    BadCharsetCode,
    CapabilityCode,
    Code,
    CopyUidCode,
    HighestModSeqCode,
    MailboxIdCode,
    MetadataCode,
    ModifiedCode,
    PermanentFlagsCode,
    ResponseCode,
    UidNextCode,
    UidValidityCode,
    UnknownCode,
    UnseenCode,
    check_charset,
    read_charset,
    read_resp_text,
    read_resp_text_code,
    write_charset,
    write_resp_text,
    write_resp_text_code,
)
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._flags import Flag
from pymailproto.imap._lexer import Reader
from pymailproto.imap._sequence import SequenceSet
from pymailproto.imap._values import WireOptions, Writer
from tests.imap import strategies as s
from tests.imap import strategies_query as q


def parse(data: bytes, *, utf8: bool = True) -> tuple[ResponseCode | None, str]:
    reader = Reader(data + b"\r\n", utf8=utf8)
    value = read_resp_text(reader)
    reader.finish()
    return value


PLAIN = WireOptions()


def wire(code: ResponseCode | None, text: str, options: WireOptions = PLAIN) -> bytes:
    writer = Writer(options)
    write_resp_text(writer, code, text)
    return writer.to_bytes()


def _trusted_unknown(atom: str, text: str | None) -> UnknownCode:
    """An UnknownCode as the reader builds it (the constructor refuses known names)."""
    value = object.__new__(UnknownCode)
    object.__setattr__(value, "atom", atom)
    object.__setattr__(value, "text", text)
    return value


# Each: the wire form after "OK SP" / "NO SP" / "BAD SP", the code, the text, and the canonical
# form when it differs.
RFC_TEXTS: list[tuple[bytes, ResponseCode | None, str | None, bytes | None]] = [
    # RFC 9051 §7.1, in the order of the section
    (b"[ALERT] System shutdown in 10 minutes", Code.ALERT, "System shutdown in 10 minutes", None),
    (
        b'[ALREADYEXISTS] Mailbox "that" already exists',
        Code.ALREADYEXISTS,
        'Mailbox "that" already exists',
        None,
    ),
    (
        b"[AUTHENTICATIONFAILED] Authentication failed",
        Code.AUTHENTICATIONFAILED,
        "Authentication failed",
        None,
    ),
    (
        b"[AUTHORIZATIONFAILED] No such authorization-ID",
        Code.AUTHORIZATIONFAILED,
        "No such authorization-ID",
        None,
    ),
    (
        b"[AUTHORIZATIONFAILED] Authenticator is not an admin",
        Code.AUTHORIZATIONFAILED,
        "Authenticator is not an admin",
        None,
    ),
    (
        b"[CANNOT] Adjacent slashes are not supported",
        Code.CANNOT,
        "Adjacent slashes are not supported",
        None,
    ),
    (b"[READ-ONLY] Done", Code.READ_ONLY, "Done", None),
    (b"[CLIENTBUG] Done", Code.CLIENTBUG, "Done", None),
    # "e NO [CONTACTADMIN]": no SP after "]" (read leniently; written with the SP)
    (b"[CONTACTADMIN]", Code.CONTACTADMIN, "", b"[CONTACTADMIN] "),
    (b"[CORRUPTION] Cannot open mailbox", Code.CORRUPTION, "Cannot open mailbox", None),
    (
        b"[EXPIRED] That password isn't valid any more",
        Code.EXPIRED,
        "That password isn't valid any more",
        None,
    ),
    (b"[EXPUNGEISSUED] Search completed", Code.EXPUNGEISSUED, "Search completed", None),
    (
        b'[HASCHILDREN] Mailbox "Notes" has children that need to be deleted first',
        Code.HASCHILDREN,
        'Mailbox "Notes" has children that need to be deleted first',
        None,
    ),
    (b"[INUSE] Mailbox in use", Code.INUSE, "Mailbox in use", None),
    (
        b"[LIMIT] At most 32 flags in one mailbox supported",
        Code.LIMIT,
        "At most 32 flags in one mailbox supported",
        None,
    ),
    (b"[NONEXISTENT] No such mailbox", Code.NONEXISTENT, "No such mailbox", None),
    (b"[NOPERM] Access denied", Code.NOPERM, "Access denied", None),
    (b"[OVERQUOTA] Sorry", Code.OVERQUOTA, "Sorry", None),
    (
        b"[OVERQUOTA] You are now over your soft quota",
        Code.OVERQUOTA,
        "You are now over your soft quota",
        None,
    ),
    (
        b"[PRIVACYREQUIRED] Connection offers no privacy",
        Code.PRIVACYREQUIRED,
        "Connection offers no privacy",
        None,
    ),
    (b"[SERVERBUG] This should not happen", Code.SERVERBUG, "This should not happen", None),
    (
        b"[UNAVAILABLE] User's backend down for maintenance",
        Code.UNAVAILABLE,
        "User's backend down for maintenance",
        None,
    ),
    # RFC 9051 §6.3.1, §6.3.2 (SELECT, EXAMINE), §6.2.x (greetings)
    (b"[UNSEEN 17] Message 17 is the first unseen message", UnseenCode(17), None, None),
    (b"[UIDVALIDITY 3857529045] UIDs valid", UidValidityCode(3857529045), "UIDs valid", None),
    (b"[UIDNEXT 4392] Predicted next UID", UidNextCode(4392), "Predicted next UID", None),
    (
        b"[PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited",
        PermanentFlagsCode([Flag.DELETED, Flag.SEEN, Flag.WILDCARD]),
        "Limited",
        None,
    ),
    (
        b"[PERMANENTFLAGS ()] No permanent flags permitted",
        PermanentFlagsCode([]),
        "No permanent flags permitted",
        None,
    ),
    (b"[READ-WRITE] SELECT completed", Code.READ_WRITE, "SELECT completed", None),
    (b"[READ-ONLY] EXAMINE completed", Code.READ_ONLY, "EXAMINE completed", None),
    (b"[CLOSED] Previous mailbox is now closed", Code.CLOSED, None, None),
    (b"[UIDVALIDITY 1]", UidValidityCode(1), "", b"[UIDVALIDITY 1] "),
    (b"[UIDNEXT 1]", UidNextCode(1), "", b"[UIDNEXT 1] "),
    (
        b"[PERMANENTFLAGS (\\Deleted \\Seen \\Answered \\Flagged \\Draft \\*)] "
        b"System flags and keywords allowed",
        PermanentFlagsCode(
            [Flag.DELETED, Flag.SEEN, Flag.ANSWERED, Flag.FLAGGED, Flag.DRAFT, Flag.WILDCARD]
        ),
        "System flags and keywords allowed",
        None,
    ),
    # "* OK [UIDVALIDITY 9877410381] UIDs valid" (RFC 9051 §6.3.2): 9877410381 is beyond the
    # nz-number range, so only the generic alternative of resp-text-code matches
    (
        b"[UIDVALIDITY 9877410381] UIDs valid",
        _trusted_unknown("UIDVALIDITY", "9877410381"),
        "UIDs valid",
        None,
    ),
    (
        b"[CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI] Capabilities",
        CapabilityCode(["IMAP4rev2", "STARTTLS", "AUTH=GSSAPI"]),
        "Capabilities",
        None,
    ),
    (
        b"[CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI LOGINDISABLED] Server ready",
        CapabilityCode(["IMAP4rev2", "STARTTLS", "AUTH=GSSAPI", "LOGINDISABLED"]),
        "Server ready",
        None,
    ),
    (
        b"[CAPABILITY STARTTLS AUTH=SCRAM-SHA-256 LOGINDISABLED IMAP4rev2] IMAP4rev2 Service Ready",
        CapabilityCode(["STARTTLS", "AUTH=SCRAM-SHA-256", "LOGINDISABLED", "IMAP4rev2"]),
        "IMAP4rev2 Service Ready",
        None,
    ),
    (
        b"[COPYUID 432432 42:69 1202:1229]",
        CopyUidCode(432432, "42:69", "1202:1229"),
        "",
        b"[COPYUID 432432 42:69 1202:1229] ",
    ),
    # RFC 9051 §6.4.4.4 example 5: "[BADCHARSET UTF-8]" without the list's parentheses
    (
        b"[BADCHARSET UTF-8] KOI8-R is not supported",
        BadCharsetCode(["UTF-8"]),
        "KOI8-R is not supported",
        b"[BADCHARSET (UTF-8)] KOI8-R is not supported",
    ),
    # RFC 3501 §6.3.1
    (b"[UNSEEN 12] Message 12 is first unseen", UnseenCode(12), None, None),
    # RFC 4315 §3
    (b"[APPENDUID 38505 3955] APPEND completed", AppendUidCode(38505, 3955), None, None),
    (
        b"[COPYUID 38505 304,319:320 3956:3958] Done",
        CopyUidCode(38505, "304,319:320", "3956:3958"),
        "Done",
        None,
    ),
    (b"[UIDNOTSTICKY] Non-persistent UIDs", Code.UIDNOTSTICKY, "Non-persistent UIDs", None),
    (b"[UIDVALIDITY 3857529045] Validity session-only", UidValidityCode(3857529045), None, None),
    (
        b"[PERMANENTFLAGS (\\Deleted \\Seen)] Limited",
        PermanentFlagsCode([Flag.DELETED, Flag.SEEN]),
        None,
        None,
    ),
    # RFC 7162 §3.1.2.1, §3.1.2.2, §3.1.3, §3.2.5
    (
        b"[HIGHESTMODSEQ 715194045007]",
        HighestModSeqCode(715194045007),
        "",
        b"[HIGHESTMODSEQ 715194045007] ",
    ),
    (
        b"[NOMODSEQ] Sorry, this mailbox format doesn't support modsequences",
        Code.NOMODSEQ,
        "Sorry, this mailbox format doesn't support modsequences",
        None,
    ),
    (b"[MODIFIED 7,9] Conditional STORE failed", ModifiedCode("7,9"), None, None),
    (b"[MODIFIED 12] Conditional STORE failed", ModifiedCode("12"), None, None),
    (b"[MODIFIED 2] Some of the messages no longer exist.", ModifiedCode("2"), None, None),
    (b"[MODIFIED 3] done", ModifiedCode("3"), "done", None),
    (
        b"[HIGHESTMODSEQ 20010715194045319] expunged",
        HighestModSeqCode(20010715194045319),
        "expunged",
        None,
    ),
    (b"[CLOSED]", Code.CLOSED, "", b"[CLOSED] "),
    # RFC 9208 §4.3.1
    (b"[OVERQUOTA] APPEND Failed", Code.OVERQUOTA, "APPEND Failed", None),
    (b"[OVERQUOTA] Soft quota has been exceeded", Code.OVERQUOTA, None, None),
    # RFC 6154 §5.3
    (b"[USEATTR] \\All not supported", Code.USEATTR, "\\All not supported", None),
    # RFC 4978 §3
    (b"[COMPRESSIONACTIVE] DEFLATE active via TLS", Code.COMPRESSIONACTIVE, None, None),
    (
        b"[CAPABILITY IMAP4REV1 STARTTLS COMPRESS=DEFLATE]",
        CapabilityCode(["IMAP4REV1", "STARTTLS", "COMPRESS=DEFLATE"]),
        "",
        b"[CAPABILITY IMAP4REV1 STARTTLS COMPRESS=DEFLATE] ",
    ),
    # no code at all (RFC 9051 §7.1.2, §7.1.3)
    (b"Disk is 98% full, please delete unnecessary data", None, None, None),
    (b"", None, "", None),
]


@pytest.mark.parametrize(("data", "code", "text", "canonical"), RFC_TEXTS)
def test_rfc_examples(
    data: bytes, code: ResponseCode | None, text: str | None, canonical: bytes | None
) -> None:
    parsed_code, parsed_text = parse(data)
    if code is not None or text is not None:
        assert parsed_code == code
    if text is not None:
        assert parsed_text == text
    assert wire(parsed_code, parsed_text) == (canonical or data)


def test_a_known_code_with_bad_arguments_is_an_unknown_code() -> None:
    # the grammar's generic alternative: atom [SP 1*<any TEXT-CHAR except "]">]
    assert parse(b"[UIDNEXT abc] x") == (_trusted_unknown("UIDNEXT", "abc"), "x")
    assert parse(b"[UIDVALIDITY 9877410381] UIDs valid")[0] == _trusted_unknown(
        "UIDVALIDITY", "9877410381"
    )
    assert parse(b"[ALERT now] x") == (_trusted_unknown("ALERT", "now"), "x")
    assert parse(b"[UIDNEXT] x") == (_trusted_unknown("UIDNEXT", None), "x")
    assert parse(b"[MODIFIED $] x") == (_trusted_unknown("MODIFIED", "$"), "x")
    assert parse(b"[METADATA FOO] x") == (_trusted_unknown("METADATA", "FOO"), "x")
    # a failed list does not leave the reader's depth raised
    reader = Reader(b"[BADCHARSET (a b] x\r\n")
    assert read_resp_text(reader) == (_trusted_unknown("BADCHARSET", "(a b"), "x")
    assert reader.depth == 0


def test_brackets_that_start_no_code_are_text() -> None:
    assert parse(b"[garbage") == (None, "[garbage")
    assert parse(b"[ALERT]x") == (None, "[ALERT]x")
    assert parse(b"[] empty") == (None, "[] empty")
    assert parse(b"[ALERT") == (None, "[ALERT")
    reader = Reader(b"[BADCHARSET (x\r\n")
    assert read_resp_text(reader) == (None, "[BADCHARSET (x")
    assert reader.depth == 0


def test_unknown_codes() -> None:
    assert parse(b"[X-GOOGLE-THING 1 2 3] ok") == (UnknownCode("X-GOOGLE-THING", "1 2 3"), "ok")
    assert parse(b"[x-thing] ok") == (UnknownCode("x-thing"), "ok")
    # REFERRAL (no RFC on disk) and RFC 3501's removed NEWNAME are not modelled: generic codes
    referral = b"[REFERRAL IMAP://user;AUTH=*@SERVER2/] Remote Server"
    assert parse(referral) == (
        UnknownCode("REFERRAL", "IMAP://user;AUTH=*@SERVER2/"),
        "Remote Server",
    )
    assert wire(*parse(referral)) == referral


def test_text_is_utf8_only_with_utf8() -> None:
    assert parse("[ALERT] Привет".encode()) == (Code.ALERT, "Привет")
    with pytest.raises(IMAPParseError) as info:
        parse("[ALERT] é".encode(), utf8=False)
    assert info.value.offset == 8
    assert wire(Code.ALERT, "é", WireOptions(utf8=True)) == "[ALERT] é".encode()
    with pytest.raises(IMAPValueError, match="UTF-8"):
        wire(Code.ALERT, "é")


@pytest.mark.parametrize(
    ("data", "offset"),
    [
        (b"[ALERT] a\x00b", 9),
        (b"a\rb", 1),
        (b"[ALERT] \xff", 8),
    ],
)
def test_resp_text_errors_surface_at_the_crlf(data: bytes, offset: int) -> None:
    with pytest.raises(IMAPParseError) as info:
        parse(data)
    assert info.value.offset == offset


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"BADCHARSET", BadCharsetCode()),
        (
            b'BADCHARSET (UTF-8 "ISO 8859-1" {5}\r\nKOI-8)',
            BadCharsetCode(["UTF-8", "ISO 8859-1", "KOI-8"]),
        ),
        (b"BADCHARSET UTF-8 US-ASCII", BadCharsetCode(["UTF-8", "US-ASCII"])),
        (b"APPENDUID 1 3:5,9", AppendUidCode(1, SequenceSet([(3, 5), 9]))),
        (b"METADATA LONGENTRIES 2000", MetadataCode("LONGENTRIES", 2000)),
        (b"METADATA MAXSIZE 1024", MetadataCode("MAXSIZE", 1024)),
        (b"METADATA TOOMANY", MetadataCode("TOOMANY")),
        (b"metadata noprivate", MetadataCode("NOPRIVATE")),
        (
            b"MAILBOXID (F2212ea87-6097-4256-9d51-71338625)",
            MailboxIdCode("F2212ea87-6097-4256-9d51-71338625"),
        ),
        (b"read-only", Code.READ_ONLY),
        (b"Unknown-CTE", Code.UNKNOWN_CTE),
    ],
)
def test_codes_with_arguments(data: bytes, code: ResponseCode) -> None:
    reader = Reader(data + b"]")
    assert read_resp_text_code(reader) == code
    assert reader.pos == len(data)


def test_code_classes() -> None:
    copy = CopyUidCode(38505, "304,319:320", "3956:3958")
    assert copy.pairs() == [(304, 3956), (319, 3957), (320, 3958)]
    assert copy.mapping() == {304: 3956, 319: 3957, 320: 3958}
    # order matters and ranges run upwards whichever way they are written (RFC 9051 §7.1)
    assert CopyUidCode(1, "12:10,5", "7,1:3").pairs() == [(10, 7), (11, 1), (12, 2), (5, 3)]
    assert AppendUidCode(38505, 3955).ids() == [3955]
    assert AppendUidCode(1, SequenceSet.from_ids([7, 3, 4], sort=False)).ids() == [7, 3, 4]
    assert ModifiedCode("7,9").numbers == SequenceSet([7, 9])
    # the pairing is in the order: equal sets in another order are another code
    assert CopyUidCode(1, "1,2", "10,11") != CopyUidCode(1, "2,1", "10,11")
    assert CopyUidCode(1, "1,2:3", "10:12") == CopyUidCode(1, "1:3", "10,11,12")
    assert hash(CopyUidCode(1, "1,2:3", "10:12")) == hash(CopyUidCode(1, "1:3", "10:12"))
    assert AppendUidCode(1, SequenceSet([3, 4])) == AppendUidCode(1, SequenceSet([(3, 4)]))
    assert AppendUidCode(1, SequenceSet([4, 3])) != AppendUidCode(1, SequenceSet([(3, 4)]))
    assert len({AppendUidCode(1, 5), AppendUidCode(1, 5)}) == 1
    assert AppendUidCode(1, 5) != UidNextCode(5)
    assert CopyUidCode(1, "1", "2") != UidNextCode(5)
    # a COPYUID whose sets differ in size cannot be paired
    reader = Reader(b"COPYUID 1 1:3 5]")
    bad = read_resp_text_code(reader)
    assert isinstance(bad, CopyUidCode)
    with pytest.raises(IMAPValueError, match="differ"):
        bad.pairs()


@pytest.mark.parametrize(
    "build",
    [
        lambda: BadCharsetCode([""]),
        lambda: BadCharsetCode(["é"]),
        lambda: CapabilityCode([]),
        lambda: CapabilityCode(["AUTH PLAIN"]),
        lambda: PermanentFlagsCode(["\\Seen"]),  # type: ignore[list-item]
        lambda: UidNextCode(0),
        lambda: UidValidityCode(2**32),
        lambda: UnseenCode(-1),
        lambda: AppendUidCode(0, 5),
        lambda: AppendUidCode(1, 0),
        lambda: AppendUidCode(1, SequenceSet.parse("1:*")),
        lambda: AppendUidCode(1, "5"),  # type: ignore[arg-type]
        lambda: CopyUidCode(1, "1:3", "5"),
        lambda: CopyUidCode(1, "$", "5"),
        lambda: CopyUidCode(1, "1", "*"),
        lambda: HighestModSeqCode(0),
        lambda: ModifiedCode("$"),
        lambda: ModifiedCode(5),  # type: ignore[arg-type]
        lambda: MetadataCode("FOO"),  # type: ignore[arg-type]
        lambda: MetadataCode("MAXSIZE"),
        lambda: MetadataCode("TOOMANY", 5),
        lambda: MailboxIdCode("a b"),
        lambda: UnknownCode("ALERT"),
        lambda: UnknownCode("uidnext", "5"),
        lambda: UnknownCode("X Y"),
        lambda: UnknownCode("X", "a]b"),
        lambda: UnknownCode("X", ""),
        lambda: UnknownCode("X", "é"),
        lambda: UnknownCode("X", "a\r\nb"),
    ],
)
def test_constructors_validate(build: Callable[[], object]) -> None:
    with pytest.raises(IMAPValueError):
        build()


def test_write_resp_text_refuses_what_cannot_round_trip() -> None:
    with pytest.raises(IMAPValueError, match="response code"):
        wire(None, "[ALERT] fake")
    with pytest.raises(IMAPValueError, match="CR, LF or NUL"):
        wire(Code.ALERT, "a\r\nb")
    with pytest.raises(TypeError):
        wire(Code.ALERT, b"x")  # type: ignore[arg-type]
    with pytest.raises(IMAPValueError, match="UTF-8 form"):
        wire(Code.ALERT, "\ud800", WireOptions(utf8=True))
    with pytest.raises(IMAPValueError, match="not a response code"):
        wire("ALERT", "x")  # type: ignore[arg-type]
    # text that only looks like a code is fine
    assert wire(None, "[not a code") == b"[not a code"
    assert wire(None, "[ALERT]x") == b"[ALERT]x"


def test_charsets() -> None:
    assert check_charset("UTF-8") == "UTF-8"
    for bad in ("", "é", "a\r", 5):
        with pytest.raises(IMAPValueError):
            check_charset(bad)  # type: ignore[arg-type]
    writer = Writer()
    write_charset(writer, "UTF-8")
    writer.sp()
    write_charset(writer, 'a "b"')
    assert writer.to_bytes() == b'UTF-8 "a \\"b\\""'
    with pytest.raises(IMAPParseError) as info:
        read_charset(Reader(b'"\xc3\xa9"'))
    assert info.value.offset == 0


@pytest.mark.parametrize(
    ("data", "offset"),
    [
        (b"]", 0),
        (b"X-Y ]", 4),
        (b"X \x01\x80]", 3),
        (b"X", 1),
    ],
)
def test_read_resp_text_code_errors(data: bytes, offset: int) -> None:
    with pytest.raises(IMAPParseError) as info:
        read_resp_text_code(Reader(data))
    assert info.value.offset == offset


# --- properties -----------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(q.response_codes, q.resp_texts, s.wire_options)
def test_round_trip(code: ResponseCode, text: str, options: WireOptions) -> None:
    if not text.isascii() and not options.utf8:
        text = text.encode("ascii", "replace").decode("ascii")
    data = wire(code, text, options)
    assert parse(data, utf8=options.utf8) == (code, text)
    writer = Writer(options)
    write_resp_text_code(writer, code)
    reader = Reader(writer.to_bytes() + b"]")
    assert read_resp_text_code(reader) == code


@settings(max_examples=200, deadline=None)
@given(q.resp_texts)
def test_text_without_code_round_trips_or_is_refused(text: str) -> None:
    try:
        data = wire(None, text, WireOptions(utf8=True))
    except IMAPValueError:
        assert parse(text.encode())[0] is not None
    else:
        assert parse(data) == (None, text)


@settings(max_examples=500, deadline=None)
@given(
    s.fuzz_bytes(
        b"[",
        b"]",
        b" ",
        b"ALERT",
        b"UIDNEXT",
        b"5",
        b"(",
        b")",
        b"\\Seen",
        b"COPYUID 1 2 3",
        b"BADCHARSET",
        b"METADATA",
        b"MAILBOXID",
        b"CAPABILITY",
        b"PERMANENTFLAGS",
        b'"x"',
        b"\x00",
        b"\xc3\xa9",
        b"\r\n",
    )
)
def test_fuzz(data: bytes) -> None:
    reader = Reader(data, max_depth=4)
    try:
        code, text = read_resp_text(reader)
    except IMAPParseError as exc:
        assert 0 <= exc.offset <= len(data)
    else:
        assert reader.depth == 0
        # parse -> write -> parse is stable, except for a text read as text only because of
        # what followed it ("[+]" before a NUL) that would come back as a code: refused.
        try:
            written = wire(code, text, WireOptions(utf8=True))
        except IMAPValueError:
            assert code is None
            assert text.startswith("[")
        else:
            assert parse(written) == (code, text)
    reader = Reader(data, max_depth=4)
    try:
        value = read_resp_text_code(reader)
    except IMAPParseError as exc:
        assert 0 <= exc.offset <= len(data)
    else:
        writer = Writer()
        write_resp_text_code(writer, value)
        assert read_resp_text_code(Reader(writer.to_bytes() + b"]")) == value
