"""The untagged data responses: known answers from the RFCs for each kind, construction checks,
and what it means for a response class to *be* its value module's value."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from pymailproto.imap import _list, _metadata, _namespace, _quota, _search, _sort_thread, _status
from pymailproto.imap._capability import Capability
from pymailproto.imap._errors import IMAPParseError, IMAPValueError
from pymailproto.imap._flags import Flag, MailboxAttribute
from pymailproto.imap._id import IDParams
from pymailproto.imap._list import ChildInfo, OldName
from pymailproto.imap._namespace import Namespace, NamespaceExtension
from pymailproto.imap._quirks import Quirks
from pymailproto.imap._quota import QuotaUsage
from pymailproto.imap._response_base import Response
from pymailproto.imap._responses_data import (
    CapabilityResponse,
    EnabledResponse,
    ESearchResponse,
    ExistsResponse,
    FlagsResponse,
    IdResponse,
    ListResponse,
    MailboxStatusResponse,
    MetadataResponse,
    NamespaceResponse,
    QuotaResponse,
    QuotaRootResponse,
    RecentResponse,
    SearchResponse,
    SortResponse,
    ThreadResponse,
    UnsolicitedMetadataResponse,
    adopt,
)
from pymailproto.imap._sequence import SequenceSet
from pymailproto.imap._sort_thread import Thread
from pymailproto.imap._values import WireOptions
from tests.imap import strategies_responses as sr

# --- known answers --------------------------------------------------------------------------------

KNOWN: list[tuple[bytes, Response, bytes | None]] = [
    # RFC 9051 §7.2.2
    (
        b"* CAPABILITY STARTTLS AUTH=GSSAPI IMAP4rev2 LOGINDISABLED\r\n",
        CapabilityResponse(["STARTTLS", "AUTH=GSSAPI", "IMAP4rev2", "LOGINDISABLED"]),
        None,
    ),
    # RFC 9051 §7.2.1
    (
        b"* ENABLED CONDSTORE QRESYNC\r\n",
        EnabledResponse([Capability.CONDSTORE, Capability.QRESYNC]),
        None,
    ),
    (b"* ENABLED\r\n", EnabledResponse(), None),
    # RFC 9051 §7.3.5
    (
        b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n",
        FlagsResponse([Flag.ANSWERED, Flag.FLAGGED, Flag.DELETED, Flag.SEEN, Flag.DRAFT]),
        None,
    ),
    # RFC 9051 §7.4.1, RFC 3501 §7.3.2
    (b"* 23 EXISTS\r\n", ExistsResponse(23), None),
    (b"* 0 EXISTS\r\n", ExistsResponse(0), None),
    (b"* 5 RECENT\r\n", RecentResponse(5), None),
    # RFC 9051 §7.3.1
    (
        b'* LIST (\\Noselect) "/" ~/Mail/foo\r\n',
        ListResponse([MailboxAttribute.NOSELECT], "/", "~/Mail/foo"),
        b'* LIST (\\Noselect) "/" "~/Mail/foo"\r\n',
    ),
    # RFC 3501 §7.2.3
    (
        b'* LSUB () "." #news.comp.mail.misc\r\n',
        ListResponse([], ".", "#news.comp.mail.misc", lsub=True),
        b'* LSUB () "." "#news.comp.mail.misc"\r\n',
    ),
    # RFC 9051 §8
    (
        b'* LIST () "/" INBOX ("OLDNAME" ("inbox"))\r\n',
        ListResponse([], "/", "INBOX", extended=[OldName("inbox")]),
        b'* LIST () "/" "INBOX" ("OLDNAME" ("INBOX"))\r\n',
    ),
    # RFC 5258 §5
    (
        b'* LIST (\\Subscribed \\HasChildren) "/" "Foo" ("CHILDINFO" ("SUBSCRIBED"))\r\n',
        ListResponse(
            [MailboxAttribute.SUBSCRIBED, MailboxAttribute.HAS_CHILDREN],
            "/",
            "Foo",
            extended=[ChildInfo(["SUBSCRIBED"])],
        ),
        None,
    ),
    # RFC 9051 §7.3.3
    (
        b"* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n",
        MailboxStatusResponse("blurdybloop", messages=231, uidnext=44292),
        b'* STATUS "blurdybloop" (MESSAGES 231 UIDNEXT 44292)\r\n',
    ),
    # RFC 3501 §7.2.5, RFC 7162 §3.1.5
    (b"* SEARCH 2 3 6\r\n", SearchResponse([2, 3, 6]), None),
    (b"* SEARCH\r\n", SearchResponse(), None),
    (
        b"* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)\r\n",
        SearchResponse([2, 5, 6, 7, 11, 12, 18, 19, 20, 23], modseq=917162500),
        None,
    ),
    # RFC 9051 §7.3.4, RFC 4731 §3.1
    (
        b'* ESEARCH (TAG "a567") UID COUNT 17 ALL 4:18,21,28\r\n',
        ESearchResponse(tag="a567", uid=True, count=17, all="4:18,21,28"),
        None,
    ),
    (
        b'* ESEARCH (TAG "A285") UID MIN 7 MAX 3800\r\n',
        ESearchResponse(tag="A285", uid=True, min=7, max=3800),
        None,
    ),
    # RFC 9051 §7.3.2, RFC 2342 §5
    (
        b'* NAMESPACE (("" "/")) (("~" "/")) NIL\r\n',
        NamespaceResponse([Namespace("", "/")], [Namespace("~", "/")], None),
        None,
    ),
    (
        b'* NAMESPACE (("" "/")("#mh/" "/" "X-PARAM" ("FLAG1" "FLAG2"))) NIL NIL\r\n',
        NamespaceResponse(
            [
                Namespace("", "/"),
                Namespace("#mh/", "/", [NamespaceExtension(b"X-PARAM", [b"FLAG1", b"FLAG2"])]),
            ],
            None,
            None,
        ),
        None,
    ),
    # RFC 2971 §3.1, §3.2
    (b"* ID NIL\r\n", IdResponse(None), None),
    (
        b'* ID ("name" "Cyrus" "version" "1.5" "os" "sunos")\r\n',
        IdResponse({"name": "Cyrus", "version": "1.5", "os": "sunos"}),
        None,
    ),
    # RFC 9208 §4.2.1, §4.2.2, §4.1.2
    (
        b'* QUOTA "" (STORAGE 10 512)\r\n',
        QuotaResponse(b"", [QuotaUsage("STORAGE", 10, 512)]),
        None,
    ),
    (b'* QUOTAROOT INBOX ""\r\n', QuotaRootResponse("INBOX", [b""]), None),
    (b"* QUOTAROOT comp.mail.mime\r\n", QuotaRootResponse("comp.mail.mime", []), None),
    (
        b'* QUOTAROOT INBOX "#user/alice" "!partition/sda4"\r\n',
        QuotaRootResponse("INBOX", [b"#user/alice", b"!partition/sda4"]),
        b"* QUOTAROOT INBOX #user/alice !partition/sda4\r\n",
    ),
    # RFC 6154 §5.4 (METADATA, RFC 5464)
    (
        b'* METADATA "MyDrafts" (/private/specialuse "\\\\Drafts")\r\n',
        MetadataResponse("MyDrafts", [(b"/private/specialuse", b"\\Drafts")]),
        b'* METADATA MyDrafts (/private/specialuse "\\\\Drafts")\r\n',
    ),
    (
        b"* METADATA INBOX /shared/comment /private/comment\r\n",
        UnsolicitedMetadataResponse("INBOX", [b"/shared/comment", b"/private/comment"]),
        None,
    ),
    # RFC 5256 §4
    (b"* SORT 2 3 6\r\n", SortResponse([2, 3, 6]), None),
    (b"* SORT\r\n", SortResponse(), None),
    (
        b"* THREAD (2)(3 6 (4 23)(44 7 96))\r\n",
        ThreadResponse([Thread([2]), Thread([3, 6], [Thread([4, 23]), Thread([44, 7, 96])])]),
        None,
    ),
    (b"* THREAD ((3)(5))\r\n", ThreadResponse([Thread([], [Thread([3]), Thread([5])])]), None),
    (b"* THREAD\r\n", ThreadResponse(), None),
]


@pytest.mark.parametrize(("data", "expected", "canonical"), KNOWN)
def test_known_answers(data: bytes, expected: Response, canonical: bytes | None) -> None:
    assert sr.parse_one(data) == expected
    assert expected.to_bytes() == (canonical or data)


# --- the classes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "value_class"),
    [
        (ListResponse([], "/", "INBOX"), _list.ListResponse),
        (MailboxStatusResponse("INBOX", messages=1), _status.StatusResponse),
        (SearchResponse([1]), _search.SearchResponse),
        (ESearchResponse(count=1), _search.ESearchResponse),
        (NamespaceResponse(None, None, None), _namespace.NamespaceResponse),
        (QuotaResponse(b"", []), _quota.QuotaResponse),
        (QuotaRootResponse("INBOX", []), _quota.QuotaRootResponse),
        (MetadataResponse("", [(b"/a", None)]), _metadata.MetadataResponse),
        (UnsolicitedMetadataResponse("", [b"/a"]), _metadata.UnsolicitedMetadata),
        (SortResponse([1]), _sort_thread.SortResponse),
    ],
)
def test_responses_that_are_their_value(response: Response, value_class: type) -> None:
    assert isinstance(response, value_class)
    assert isinstance(response, Response)
    # the value's fields, the response's equality (by class) and wire form (complete)
    value: object = object.__new__(value_class)
    for name in value_class.__dataclass_fields__:  # type: ignore[attr-defined]
        object.__setattr__(value, name, getattr(response, name))
    assert adopt(type(response), value) == response
    assert value != response
    assert response.to_bytes().startswith(b"* ")
    assert response.to_bytes().endswith(b"\r\n")
    assert hash(response) == hash(adopt(type(response), value))


def test_capability_response() -> None:
    response = CapabilityResponse(["IMAP4rev1", Capability.IDLE, "AUTH=PLAIN"])
    assert "idle" in response
    assert Capability.AUTH_PLAIN in response
    assert "MOVE" not in response
    with pytest.raises(IMAPValueError, match="IMAP4rev2"):
        CapabilityResponse(["IDLE"])
    with pytest.raises(IMAPValueError, match="list"):
        CapabilityResponse("IMAP4rev1")
    with pytest.raises(IMAPValueError):
        CapabilityResponse(["IMAP4rev1", "AUTH PLAIN"])


@pytest.mark.parametrize(
    "build",
    [
        lambda: EnabledResponse(Capability.IDLE),  # type: ignore[arg-type]
        lambda: FlagsResponse("\\Seen"),
        lambda: FlagsResponse(["\\*"]),
        lambda: FlagsResponse(["a b"]),
        lambda: ExistsResponse(-1),
        lambda: ExistsResponse(2**32),
        lambda: RecentResponse(True),
        lambda: ThreadResponse([(1, 2)]),  # type: ignore[list-item]
        lambda: IdResponse([("name", "a\x00")]),
        lambda: ListResponse([], "//", "INBOX"),
        lambda: MailboxStatusResponse("INBOX", uidnext=0),
        lambda: SearchResponse([0]),
        lambda: SortResponse([], 5),
    ],
)
def test_invalid_values_cannot_be_built(build: object) -> None:
    with pytest.raises(IMAPValueError):
        build()  # type: ignore[operator]


def test_id_response_from_pairs_or_mapping() -> None:
    pairs = IdResponse([("name", "Cyrus")])
    assert pairs == IdResponse({"name": "Cyrus"}) == IdResponse(IDParams({"name": "Cyrus"}))
    assert pairs.params is not None
    assert pairs.params.get("NAME") == b"Cyrus"


def test_mailbox_names_follow_the_session() -> None:
    response = ListResponse([], "/", "Entwürfe")
    assert response.to_bytes() == b'* LIST () "/" "Entw&APw-rfe"\r\n'
    assert response.to_bytes(WireOptions(utf8=True)) == '* LIST () "/" "Entwürfe"\r\n'.encode()
    assert sr.parse_one(response.to_bytes()) == response
    assert sr.parse_one(response.to_bytes(WireOptions(utf8=True)), utf8=True) == response


def test_vanished_and_namespace_have_their_own_grammar_errors() -> None:
    for data in (b"* NAMESPACE NIL NIL\r\n", b"* QUOTA x\r\n", b"* METADATA INBOX\r\n"):
        assert isinstance(sr.parse_one(data, quirks=Quirks.NONE), IMAPParseError)


@settings(max_examples=300, deadline=None)
@given(sr.wire_settings.flatmap(lambda w: sr.data_responses(w[0]).map(lambda r: (w, r))))
def test_round_trip(case: tuple[tuple[bool, WireOptions], Response]) -> None:
    (utf8, options), response = case
    assert sr.parse_one(response.to_bytes(options), utf8=utf8) == response


def test_sequence_sets_in_esearch_compare_as_sets() -> None:
    assert ESearchResponse(all="1:3") == ESearchResponse(all=SequenceSet([1, 2, 3]))
