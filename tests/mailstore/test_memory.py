"""MemoryMailstore: the conformance suite, the model test, and what only this store promises."""

from __future__ import annotations

import doctest
import threading
from datetime import datetime, timezone

import pytest
from hypothesis import settings

from pymailproto.mailstore import (
    INBOX,
    Event,
    FlagsChanged,
    InvalidFlag,
    LimitExceeded,
    MailboxCreated,
    MailboxNotSelectable,
    MailstoreError,
    MailstoreLimits,
    MemoryMailstore,
    MessageInfo,
    MessagesAdded,
    NoSuchMailbox,
    NoSuchMessage,
    Subscription,
    TooBig,
)
from pymailproto.mailstore._events import Dispatcher
from pymailproto.mailstore._flags import resolve_flags
from tests.mailstore.conformance import (
    MSG,
    MailstoreConformance,
    Recorder,
    StoreFactory,
)
from tests.mailstore.machine import mailbox_machine


@pytest.fixture
def make_store() -> StoreFactory:
    def make(*, limits: MailstoreLimits | None = None, delimiter: str = "/") -> MemoryMailstore:
        return MemoryMailstore(limits=limits, delimiter=delimiter)

    return make


class TestMemoryConformance(MailstoreConformance):
    """Every rule of the mailstore contract, for MemoryMailstore."""


TestMemoryModel = mailbox_machine(MemoryMailstore).TestCase
TestMemoryModel.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)


def test_the_package_example_runs() -> None:
    import pymailproto.mailstore

    result = doctest.testmod(pymailproto.mailstore)
    assert (result.failed, result.attempted >= 5) == (0, True)


# --- construction -----------------------------------------------------------------------------


def test_initial_mailboxes_are_in_every_new_account() -> None:
    store = MemoryMailstore(initial_mailboxes={"Sent": "\\Sent", "Lists/Python": None})
    infos = {info.name: info for info in store.account("alice").mailboxes()}
    assert list(infos) == ["INBOX", "Lists", "Lists/Python", "Sent"]
    assert infos["Sent"].special_use == "\\Sent"
    assert [info.name for info in store.account("bob").mailboxes()] == list(infos)


def test_inbox_is_listed_first() -> None:
    account = MemoryMailstore().account("alice")
    account.create("Archive")  # "A" sorts before "I"
    assert [info.name for info in account.mailboxes()] == ["INBOX", "Archive"]


@pytest.mark.parametrize("delimiter", ["", "//", "a", "1", " ", "\u00e9"])
def test_bad_delimiters_are_refused(delimiter: str) -> None:
    with pytest.raises(ValueError, match="delimiter"):
        MemoryMailstore(delimiter=delimiter)


@pytest.mark.parametrize("field", ["max_mailboxes", "max_message_size", "max_tombstones"])
def test_limits_must_be_positive(field: str) -> None:
    with pytest.raises(ValueError, match=field):
        MailstoreLimits(**{field: 0})


def test_a_user_name_is_a_non_empty_str() -> None:
    with pytest.raises(ValueError, match="user"):
        MemoryMailstore().account("")


# --- the clock: internal dates and UIDVALIDITY -----------------------------------------------


def test_the_clock_gives_internal_dates_and_uidvalidity() -> None:
    store = MemoryMailstore(clock=lambda: 1_700_000_000.75)
    account = store.account("alice")
    inbox = account.mailbox(INBOX)
    assert inbox.uidvalidity == 1_700_000_000
    date = inbox.get(inbox.append(MSG)).internal_date
    assert date == datetime.fromtimestamp(1_700_000_000, timezone.utc)
    # A frozen clock still gives every new mailbox a greater UIDVALIDITY.
    account.create("a")
    account.delete("a")
    account.create("a")
    assert account.mailbox("a").uidvalidity == 1_700_000_002


# --- handles and arguments --------------------------------------------------------------------


def test_handles_to_one_mailbox_are_equal() -> None:
    account = MemoryMailstore().account("alice")
    account.create("x")
    assert account.mailbox("inbox") == account.mailbox("INBOX")
    assert len({account.mailbox("INBOX"), account.mailbox("x"), account.mailbox("INBOX")}) == 2
    assert "alice:INBOX" in repr(account.mailbox("INBOX"))


def test_copy_between_accounts_is_refused() -> None:
    store = MemoryMailstore()
    inbox = store.account("alice").mailbox(INBOX)
    inbox.append(MSG)
    with pytest.raises(ValueError, match="one account"):
        inbox.copy([1], store.account("bob").mailbox(INBOX))


def test_copies_share_the_message_bytes() -> None:
    account = MemoryMailstore().account("alice")
    inbox = account.mailbox(INBOX)
    inbox.append(MSG)
    [(_, new)] = inbox.copy([1], inbox)
    assert inbox.read(new) is inbox.read(1)
    assert account.quota_usage() == (2 * len(MSG), 2)  # but quota counts both


def test_commit_appends_checks_its_appenders() -> None:
    account = MemoryMailstore().account("alice")
    account.create("Other")
    inbox, other = account.mailbox(INBOX), account.mailbox("Other")
    mine, foreign = inbox.begin_append(), other.begin_append()
    with pytest.raises(ValueError, match="twice"):
        inbox.commit_appends([(mine, [], None), (mine, [], None)])
    with pytest.raises(ValueError, match="another mailbox"):
        inbox.commit_appends([(foreign, [], None)])
    assert inbox.commit_appends([]) == []
    assert inbox.highestmodseq == 1  # an empty commit is no change


def test_append_to_a_deleted_mailbox() -> None:
    account = MemoryMailstore().account("alice")
    account.create("Gone")
    box = account.mailbox("Gone")
    appender = box.begin_append()
    appender.write(MSG)
    account.delete("Gone")
    with pytest.raises(NoSuchMailbox):
        appender.commit()
    with pytest.raises(NoSuchMailbox):
        box.begin_append()
    with pytest.raises(NoSuchMailbox):
        box.watch(Recorder())


def test_a_single_flag_string_is_refused() -> None:
    inbox = MemoryMailstore().account("alice").mailbox(INBOX)
    with pytest.raises(TypeError, match="single flag"):
        inbox.append(MSG, "\\Seen")
    assert inbox.message_count == 0


def test_flags_must_be_strings() -> None:
    with pytest.raises(InvalidFlag):
        resolve_flags([b"\\Seen"], {}, 10)  # type: ignore[list-item]


def test_a_keyword_is_at_most_255_characters() -> None:
    inbox = MemoryMailstore().account("alice").mailbox(INBOX)
    assert inbox.get(inbox.append(MSG, ["k" * 255])).flags == {"k" * 255}
    with pytest.raises(InvalidFlag):
        inbox.append(MSG, ["k" * 256])


def test_removing_unknown_keywords_is_not_limited() -> None:
    limits = MailstoreLimits(max_keywords=1)
    inbox = MemoryMailstore(limits=limits).account("alice").mailbox(INBOX)
    uid = inbox.append(MSG, ["$one"])
    assert inbox.store_flags([uid], "remove", ["$two", "$three"]).unchanged[0].uid == uid
    with pytest.raises(LimitExceeded):
        inbox.append(MSG, ["$two"])


def test_the_message_size_limit_can_be_switched_off() -> None:
    store = MemoryMailstore(limits=MailstoreLimits(max_message_size=None))
    big = b"x" * (65 * 1024 * 1024)
    assert store.deliver("alice", INBOX, big) == 1
    with pytest.raises(TooBig):
        MemoryMailstore().deliver("alice", INBOX, big)


# --- values and errors ------------------------------------------------------------------------


def test_message_info_validates() -> None:
    date = datetime(2024, 1, 1, tzinfo=timezone.utc)
    with pytest.raises(ValueError, match="UID"):
        MessageInfo(0, frozenset(), date, 1, 1)
    with pytest.raises(ValueError, match="timezone"):
        MessageInfo(1, frozenset(), date.replace(tzinfo=None), 1, 1)
    with pytest.raises(ValueError, match="modseq"):
        MessageInfo(1, frozenset(), date, 1, 0)
    with pytest.raises(TypeError, match="frozenset"):
        MessageInfo(1, {"\\Seen"}, date, 1, 1)  # type: ignore[arg-type]


def test_events_validate() -> None:
    with pytest.raises(ValueError, match="event"):
        MessagesAdded("", 1, 1, ())
    with pytest.raises(ValueError, match="event"):
        FlagsChanged("INBOX", 1, 0, ())


def test_errors_name_their_response_code() -> None:
    with pytest.raises(TypeError):
        MailstoreError("abstract")
    assert MailboxNotSelectable.response_code == NoSuchMailbox.response_code == "NONEXISTENT"
    assert NoSuchMessage("gone").response_code == "EXPUNGEISSUED"
    assert isinstance(NoSuchMessage("x"), LookupError)
    assert InvalidFlag("x").response_code is None


# --- notification machinery -------------------------------------------------------------------


def test_closing_a_subscription_twice_and_after_delete() -> None:
    account = MemoryMailstore().account("alice")
    account.create("x")
    recorder = Recorder()
    subscription = account.mailbox("x").watch(recorder)
    account.delete("x")
    subscription.close()
    subscription.close()
    assert subscription.closed
    assert len(recorder.events) == 1


def test_events_from_a_callback_come_after_the_current_event() -> None:
    account = MemoryMailstore().account("alice")
    order: list[str] = []

    def first(event: Event) -> None:
        order.append(f"first saw {event.mailbox}")
        if event.mailbox == "a":
            account.create("b")  # queued, not delivered inside this callback
        order.append("first done")

    account.watch(first)
    account.watch(lambda event: order.append(f"second saw {event.mailbox}"))
    account.create("a")
    assert order == [
        "first saw a",
        "first done",
        "second saw a",
        "first saw b",
        "first done",
        "second saw b",
    ]


def test_a_base_exception_in_a_callback_does_not_stop_later_delivery() -> None:
    dispatcher = Dispatcher()
    recorder = Recorder()

    def interrupt(event: Event) -> None:
        raise KeyboardInterrupt

    event = MailboxCreated("x", 1)
    dispatcher.emit(event, (Subscription(interrupt, lambda _: None),))
    with pytest.raises(KeyboardInterrupt):
        dispatcher.flush()
    dispatcher.emit(event, (Subscription(recorder, lambda _: None),))
    dispatcher.flush()
    assert recorder.events == [event]


def test_accounts_do_not_wait_for_each_other() -> None:
    store = MemoryMailstore()
    release = threading.Event()
    entered = threading.Event()

    def slow(event: Event) -> None:
        entered.set()
        release.wait(10)

    store.account("alice").mailbox(INBOX).watch(slow)
    worker = threading.Thread(target=store.deliver, args=("alice", INBOX, MSG))
    worker.start()
    try:
        assert entered.wait(10)
        assert store.deliver("bob", INBOX, MSG) == 1  # bob's account has its own lock
    finally:
        release.set()
        worker.join()
