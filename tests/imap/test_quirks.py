"""The named leniencies of the response parser: each one tolerates the input reported from a
real server, only when its flag is on, and strict mode (Quirks.NONE) refuses that input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from pymailproto.imap._body import TextBody
from pymailproto.imap._capability import Capability
from pymailproto.imap._codes import CapabilityCode, UnknownCode
from pymailproto.imap._envelope import Envelope
from pymailproto.imap._errors import IMAPParseError
from pymailproto.imap._framing_events import LiteralSpan
from pymailproto.imap._quirks import (
    MAX_QUOTE_REPAIRS,
    Quirks,
    repair_spaces,
    repair_status_text,
    repair_unescaped_quote,
)
from pymailproto.imap._response_base import (
    Condition,
    ContinuationRequest,
    Response,
    StatusResponse,
)
from pymailproto.imap._responses_data import (
    CapabilityResponse,
    ListResponse,
    MailboxStatusResponse,
    NamespaceResponse,
    QuotaResponse,
    SearchResponse,
)
from pymailproto.imap._responses_message import FetchResponse
from tests.imap import strategies_responses as sr


def parse(data: bytes, quirks: Quirks, **kwargs: object) -> Response | IMAPParseError:
    event = sr.parse_one(data, quirks=quirks, **kwargs)
    assert isinstance(event, (Response, IMAPParseError))
    return event


def tolerated(data: bytes, quirk: Quirks, **kwargs: object) -> Response:
    """``data`` reads the same with ``quirk`` alone and with DEFAULT/ALL (when ``quirk`` is in
    them), and is refused in strict mode."""
    strict = parse(data, Quirks.NONE, **kwargs)
    assert isinstance(strict, IMAPParseError), strict
    value = parse(data, quirk, **kwargs)
    assert isinstance(value, Response), value
    assert parse(data, Quirks.ALL, **kwargs) == value
    if quirk in Quirks.DEFAULT:
        assert parse(data, Quirks.DEFAULT, **kwargs) == value
    else:
        assert isinstance(parse(data, Quirks.DEFAULT, **kwargs), IMAPParseError)
    # without this one quirk, the input is refused too
    assert isinstance(parse(data, Quirks.ALL & ~quirk, **kwargs), IMAPParseError)
    return value


def test_the_default_set() -> None:
    assert Quirks.DEFAULT == (Quirks.ALL & ~Quirks.UNESCAPED_QUOTES)
    assert Quirks.NONE.value == 0


# --- TRAILING_SPACE, SPACE_BEFORE_PAREN, DOUBLE_SPACE ---------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # imap.exmail.qq.com (emersion/go-imap#571, modern-email/defects#21)
        (
            b"* CAPABILITY IMAP4 IMAP4rev1 XLIST MOVE IDLE XAPPLEPUSHSERVICE NAMESPACE CHILDREN"
            b" ID UIDPLUS \r\n",
            CapabilityResponse(
                [
                    "IMAP4",
                    "IMAP4rev1",
                    "XLIST",
                    "MOVE",
                    "IDLE",
                    "XAPPLEPUSHSERVICE",
                    "NAMESPACE",
                    "CHILDREN",
                    "ID",
                    "UIDPLUS",
                ]
            ),
        ),
        # emersion/go-imap#540, modern-email/defects#9
        (b"* STATUS INBOX (MESSAGES 0) \r\n", MailboxStatusResponse("INBOX", messages=0)),
        # David.fx server (jstedfast/MailKit#422)
        (
            b"* SEARCH 28219 29170 29200 29242 29352 \r\n",
            SearchResponse([28219, 29170, 29200, 29242, 29352]),
        ),
    ],
)
def test_trailing_space(data: bytes, expected: Response) -> None:
    assert tolerated(data, Quirks.TRAILING_SPACE) == expected


def test_space_before_paren() -> None:
    # imap.qq.com (jakartaee/mail-api#209)
    value = tolerated(b"* 11487 FETCH (UID 19436 )\r\n", Quirks.SPACE_BEFORE_PAREN)
    assert value == FetchResponse(11487, {"UID": 19436})
    # yahoo.co.jp's BODYSTRUCTURE (emailjs/emailjs-imap-handler#8)
    data = (
        b'* 2 FETCH (BODYSTRUCTURE (("text" "plain" ("charset" "ISO-2022-JP") NIL NIL "7bit" '
        b'2515 64 NIL NIL NIL NIL)("text" "html" ("charset" "ISO-2022-JP") NIL NIL "7bit" 7723 '
        b'151 NIL NIL NIL NIL) "alternative" ("boundary" "pzu8t3naw7b5therma1t") NIL ) UID 2)\r\n'
    )
    fetch = tolerated(data, Quirks.SPACE_BEFORE_PAREN)
    assert isinstance(fetch, FetchResponse)
    assert fetch.uid == 2
    structure = fetch.data.bodystructure
    assert structure is not None
    assert structure.subtype == b"alternative"


def test_double_space() -> None:
    # imap-n.global-mail.cn (emersion/go-imap#653)
    value = tolerated(b"* CAPABILITY IMAP4rev1 LITERAL+  STARTTLS\r\n", Quirks.DOUBLE_SPACE)
    assert value == CapabilityResponse(["IMAP4rev1", "LITERAL+", "STARTTLS"])
    # imap-codec's quirk_excessive_space_quota_resource
    value = tolerated(b'* QUOTA "" (STORAGE  10 512)\r\n', Quirks.DOUBLE_SPACE)
    assert isinstance(value, QuotaResponse)
    assert value.resources[0].usage == 10
    # RFC 2342 §5 (Example 5.5) and RFC 5819 §3 print their examples with two spaces
    value = tolerated(b'* NAMESPACE (("INBOX." ".")) NIL  NIL\r\n', Quirks.DOUBLE_SPACE)
    assert isinstance(value, NamespaceResponse)
    assert value.other == ()
    value = tolerated(b'* LIST () "."  "INBOX"\r\n', Quirks.DOUBLE_SPACE)
    assert isinstance(value, ListResponse)
    assert value.mailbox == "INBOX"


def test_spaces_inside_strings_and_literals_are_left_alone() -> None:
    data = (
        b'* 1 FETCH (BODY[] {4}\r\na  ) UID 3  ENVELOPE ("a  )" "s" NIL NIL NIL NIL NIL NIL'
        b" NIL NIL))\r\n"
    )
    fetch = parse(data, Quirks.DEFAULT)
    assert isinstance(fetch, FetchResponse)
    assert fetch.data.section("") == b"a  )"
    envelope = fetch.data.envelope
    assert isinstance(envelope, Envelope)
    assert envelope.date == b"a  )"


def test_valid_text_with_spaces_reads_as_sent() -> None:
    # the space repairs never apply to status responses, whose text is free
    for quirks in (Quirks.NONE, Quirks.ALL):
        assert parse(b"* OK  two  spaces \r\n", quirks) == StatusResponse(
            Condition.OK, " two  spaces "
        )


# --- MISSING_TEXT, EMPTY_CONTINUATION -------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # ppops.net (mscdex/node-imap#537)
        (b"A6 OK\r\n", StatusResponse(Condition.OK, tag="A6")),
        (b"a1 no\r\n", StatusResponse(Condition.NO, tag="a1")),
        (b"* BAD\r\n", StatusResponse(Condition.BAD)),
    ],
)
def test_missing_text(data: bytes, expected: Response) -> None:
    assert tolerated(data, Quirks.MISSING_TEXT) == expected


def test_missing_text_of_bye_and_greetings() -> None:
    # iCloud at logout (djc/imap-proto#131)
    value = tolerated(b"* BYE\r\n", Quirks.MISSING_TEXT)
    assert value.to_bytes() == b"* BYE \r\n"
    value = tolerated(b"* PREAUTH\r\n", Quirks.MISSING_TEXT)
    assert value.to_bytes() == b"* PREAUTH \r\n"


def test_a_code_without_text_is_always_read() -> None:
    # RFC 9051 §7.1's own example; handled by the code reader, in every mode
    assert parse(b"* OK [READ-ONLY]\r\n", Quirks.NONE) == parse(
        b"* OK [READ-ONLY] \r\n", Quirks.NONE
    )


def test_empty_continuation() -> None:
    # Yandex (djc/imap-proto#67), apple/swift-nio-imap#222
    value = tolerated(b"+\r\n", Quirks.EMPTY_CONTINUATION)
    assert value == ContinuationRequest()
    assert isinstance(value, ContinuationRequest)
    assert value.data == b""


# --- CAPABILITY_WITHOUT_VERSION -------------------------------------------------------------------


def test_capability_without_version() -> None:
    data = b"* CAPABILITY STARTTLS IDLE\r\n"
    value = tolerated(data, Quirks.CAPABILITY_WITHOUT_VERSION)
    assert isinstance(value, CapabilityResponse)
    assert value.capabilities == (Capability.STARTTLS, Capability.IDLE)


def test_capability_code_without_version_follows_the_same_rule() -> None:
    data = b"* OK [CAPABILITY STARTTLS IDLE] hi\r\n"
    lenient = parse(data, Quirks.CAPABILITY_WITHOUT_VERSION)
    assert isinstance(lenient, StatusResponse)
    assert lenient.code == CapabilityCode(["STARTTLS", "IDLE"])
    # strict: not capability-data, so the grammar's generic code (RFC 9051 §9 resp-text-code)
    strict = parse(data, Quirks.NONE)
    assert isinstance(strict, StatusResponse)
    assert isinstance(strict.code, UnknownCode)
    assert (strict.code.atom, strict.code.text) == ("CAPABILITY", "STARTTLS IDLE")
    # with the version, both read it as a capability list
    versioned = b"* OK [CAPABILITY IMAP4rev1 IDLE] hi\r\n"
    assert parse(versioned, Quirks.NONE) == parse(versioned, Quirks.ALL)


def test_capability_response_must_name_the_version_to_be_built() -> None:
    with pytest.raises(ValueError, match="IMAP4rev2"):
        CapabilityResponse(["IDLE"])


# --- EIGHT_BIT ------------------------------------------------------------------------------------


def test_eight_bit_utf8_in_quoted_strings() -> None:
    # Proton Mail Bridge sends header values raw (modern-email/defects#38)
    data = (
        b'* 2 FETCH (UID 4 ENVELOPE ("Thu, 22 Aug 2024" "Test" (("Cl\xc3\xa9ment" NIL "c" "x")) '
        b"NIL NIL NIL NIL NIL NIL NIL))\r\n"
    )
    value = tolerated(data, Quirks.EIGHT_BIT)
    envelope = value.data.envelope  # type: ignore[attr-defined]
    assert envelope.from_[0].name == "Clément".encode()
    # with UTF-8 enabled the input is valid: no quirk involved
    assert parse(data, Quirks.NONE, utf8=True) == value


def test_eight_bit_not_utf8_in_quoted_strings() -> None:
    # Latin-1 (djc/imap-proto#62): kept as sent, like the literal it should have been
    data = b'* 1 FETCH (BODYSTRUCTURE ("text" "plain" ("name" "caf\xe9") NIL NIL "8bit" 5 1))\r\n'
    value = tolerated(data, Quirks.EIGHT_BIT)
    body = value.data.bodystructure  # type: ignore[attr-defined]
    assert isinstance(body, TextBody)
    assert body.params == ((b"name", b"caf\xe9"),)


def test_eight_bit_mailbox_names() -> None:
    value = tolerated(b'* LIST () "/" "Entw\xc3\xbcrfe"\r\n', Quirks.EIGHT_BIT)
    assert isinstance(value, ListResponse)
    assert value.mailbox == "Entwürfe"


def test_eight_bit_status_text() -> None:
    value = tolerated(b"* OK Gr\xfc\xdfe\r\n", Quirks.EIGHT_BIT)
    assert value == StatusResponse(Condition.OK, "Gr\ufffd\ufffde")
    value = tolerated(b"* OK Gr\xc3\xbc\xc3\x9fe\r\n", Quirks.EIGHT_BIT)
    assert value == StatusResponse(Condition.OK, "Grüße")


# --- UNESCAPED_QUOTES (opt-in) --------------------------------------------------------------------


def test_unescaped_quotes_in_a_message_id() -> None:
    # jakartaee/mail-api#669
    data = (
        b'* 364 FETCH (ENVELOPE ("Wed, 6 Apr 2022" "s" NIL NIL NIL NIL NIL NIL NIL '
        b'"<1763943481.139839.1649236218178.JavaMail."cv@notice.zhipin.com"@v-bosszpmail-01>")'
        b" RFC822.SIZE 1103217)\r\n"
    )
    value = tolerated(data, Quirks.UNESCAPED_QUOTES)
    envelope = value.data.envelope  # type: ignore[attr-defined]
    assert envelope.message_id == (
        b'<1763943481.139839.1649236218178.JavaMail."cv@notice.zhipin.com"@v-bosszpmail-01>'
    )


def test_unescaped_quotes_in_a_body_structure() -> None:
    # jstedfast/MailKit#485: Content-Type: text/html" (the header's own stray quote)
    data = b'* 1 FETCH (UID 1 BODYSTRUCTURE ("TEXT" "HTML"" NIL NIL NIL {5}\r\n8bit" 74 2))\r\n'
    value = tolerated(data, Quirks.UNESCAPED_QUOTES)
    body = value.data.bodystructure  # type: ignore[attr-defined]
    assert isinstance(body, TextBody)
    assert (body.subtype, body.encoding) == (b'HTML"', b'8bit"')


def test_unescaped_quotes_in_a_display_name() -> None:
    data = (
        b'* 1 FETCH (ENVELOPE (NIL "s" (("Joe "the boss" Smith" NIL "joe" "example.com")) NIL'
        b" NIL NIL NIL NIL NIL NIL))\r\n"
    )
    value = tolerated(data, Quirks.UNESCAPED_QUOTES)
    envelope = value.data.envelope  # type: ignore[attr-defined]
    assert envelope.from_[0].name == b'Joe "the boss" Smith'


def test_unescaped_quote_repairs_are_bounded() -> None:
    data = b"* 1 FETCH (ENVELOPE (" + b'"a"b' * (MAX_QUOTE_REPAIRS + 2) + b"))\r\n"
    assert isinstance(parse(data, Quirks.ALL), IMAPParseError)


# --- the repairs themselves -----------------------------------------------------------------------


def test_repair_spaces_keeps_literals_where_they_are() -> None:
    data = b"* 1 FETCH (BODY[] {4}\r\n  ) UID 2 )\r\n"
    span = LiteralSpan(23, 4)
    fixed = repair_spaces(data, [span], Quirks.SPACE_BEFORE_PAREN)
    assert fixed == (b"* 1 FETCH (BODY[] {4}\r\n  ) UID 2)\r\n", (23,))
    assert repair_spaces(data, [span], Quirks.MISSING_TEXT) is None
    assert repair_spaces(b"* 1 EXISTS\r\n", [], Quirks.ALL) is None
    moved = repair_spaces(b"*  1 FETCH (BODY[] {1}\r\nx)\r\n", [LiteralSpan(24, 1)], Quirks.ALL)
    assert moved == (b"* 1 FETCH (BODY[] {1}\r\nx)\r\n", (23,))


def test_repair_status_text() -> None:
    assert repair_status_text(b"+\r\n", Quirks.EMPTY_CONTINUATION) == b"+ \r\n"
    assert repair_status_text(b"+\r\n", Quirks.MISSING_TEXT) is None
    assert repair_status_text(b"a OK\r\n", Quirks.MISSING_TEXT) == b"a OK \r\n"
    assert repair_status_text(b"a OK\r\n", Quirks.EMPTY_CONTINUATION) is None
    assert repair_status_text(b"a OKAY\r\n", Quirks.MISSING_TEXT) is None


def test_repair_unescaped_quote() -> None:
    data = b'* 1 FETCH (X "a"b" {2}\r\n"")\r\n'
    span = LiteralSpan(24, 2)
    # escapes the DQUOTE before the offset, moving the literal after it
    assert repair_unescaped_quote(data, [span], 16) == (
        b'* 1 FETCH (X "a\\"b" {2}\r\n"")\r\n',
        (25,),
    )
    assert repair_unescaped_quote(data, [span], 25) is None  # inside the literal's octets
    assert repair_unescaped_quote(data, [span], 5) is None  # no DQUOTE before
    assert repair_unescaped_quote(b'* X "a\\"b\r\n', [], 9) is None  # already escaped


@settings(max_examples=200, deadline=None)
@given(sr.responses())
def test_valid_responses_read_the_same_in_every_mode(response: Response) -> None:
    wire = response.to_bytes()
    assert parse(wire, Quirks.NONE) == parse(wire, Quirks.ALL) == response
