"""The mailstore conformance suite: every store must pass it unchanged.

Use it from a store's test module by providing a ``make_store`` fixture and subclassing::

    @pytest.fixture
    def make_store(tmp_path) -> StoreFactory:
        return lambda **options: MaildirMailstore(tmp_path, **options)

    class TestMaildirConformance(MailstoreConformance):
        pass

    TestMaildirModel = mailbox_machine(lambda: MaildirMailstore(...)).TestCase  # .machine

The factory takes ``limits`` and ``delimiter`` keywords. Each test cites the rule it checks;
tests name no store class, so they describe the contract of :mod:`pymailproto.mailstore.base`.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Protocol

import pytest

from pymailproto.mailstore import (
    Account,
    Event,
    FlagsChanged,
    HasChildren,
    InvalidFlag,
    InvalidMailboxName,
    InvalidSpecialUse,
    LimitExceeded,
    Mailbox,
    MailboxDeleted,
    MailboxExists,
    MailboxNotSelectable,
    MailboxRenamed,
    MailboxStatus,
    Mailstore,
    MailstoreLimits,
    MessageInfo,
    MessagesAdded,
    MessagesExpunged,
    NoSuchMailbox,
    NoSuchMessage,
    NotAllowed,
    OverQuota,
    TooBig,
)

__all__ = ["MailstoreConformance", "StoreFactory"]


class StoreFactory(Protocol):
    """Makes a fresh, empty store."""

    def __call__(
        self, *, limits: MailstoreLimits | None = None, delimiter: str = "/"
    ) -> Mailstore: ...


MSG = b"From: a@example.org\r\nSubject: test\r\n\r\nHello\r\n"
DATE = datetime(2024, 3, 1, 12, 30, 15, tzinfo=timezone(timedelta(hours=2)))


def names(account: Account) -> list[str]:
    return [info.name for info in account.mailboxes()]


class Recorder:
    """A watch callback that keeps every event."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)


class MailstoreConformance:
    """The contract; subclass it where a ``make_store`` fixture exists."""

    @pytest.fixture
    def store(self, make_store: StoreFactory) -> Mailstore:
        return make_store()

    @pytest.fixture
    def account(self, store: Mailstore) -> Account:
        return store.account("alice")

    @pytest.fixture
    def inbox(self, account: Account) -> Mailbox:
        return account.mailbox("INBOX")

    # --- accounts and delivery ----------------------------------------------------------------

    def test_an_account_with_inbox_exists_on_first_use(self, store: Mailstore) -> None:
        assert store.users() == []
        account = store.account("alice")
        assert store.users() == ["alice"]
        [info] = account.mailboxes()
        assert (info.name, info.selectable, info.has_children) == ("INBOX", True, False)
        assert info.special_use is None
        account.create("Work")
        assert names(store.account("alice")) == ["INBOX", "Work"]  # the same account
        assert names(store.account("bob")) == ["INBOX"]  # accounts are separate
        assert store.users() == ["alice", "bob"]

    def test_deliver_needs_an_existing_mailbox(self, store: Mailstore) -> None:
        assert store.deliver("alice", "INBOX", MSG) == 1
        assert store.deliver("alice", "inbox", MSG, flags=["\\Seen"], internal_date=DATE) == 2
        info = store.account("alice").mailbox("INBOX").get(2)
        assert (info.flags, info.internal_date) == (frozenset({"\\Seen"}), DATE)
        with pytest.raises(NoSuchMailbox):
            store.deliver("alice", "Missing", MSG)
        assert names(store.account("alice")) == ["INBOX"]  # created nothing

    # --- names and hierarchy (RFC 9051 §5.1, §6.3.4) -----------------------------------------

    @pytest.mark.parametrize("spelling", ["INBOX", "inbox", "InBoX"])
    def test_inbox_is_case_insensitive(self, account: Account, spelling: str) -> None:
        box = account.mailbox(spelling)
        assert box.name == "INBOX"
        assert box.uidvalidity == account.mailbox("INBOX").uidvalidity
        with pytest.raises(MailboxExists):
            account.create(spelling)
        assert account.create(f"{spelling}/Lists") == "INBOX/Lists"
        account.create("Work")
        with pytest.raises(NoSuchMailbox):
            account.mailbox("work")  # other names are case-sensitive

    def test_create_makes_missing_superiors(self, account: Account) -> None:
        assert account.create("a/b/c") == "a/b/c"
        infos = {info.name: info for info in account.mailboxes()}
        assert list(infos) == ["INBOX", "a", "a/b", "a/b/c"]
        assert [infos[n].has_children for n in infos] == [False, True, True, False]
        assert all(info.selectable for info in infos.values())
        assert account.mailbox("a/b").append(MSG) == 1  # superiors are real mailboxes
        assert account.create("x/") == "x"  # a trailing delimiter only declares intent
        for taken in ("a/b", "x/", "x"):
            with pytest.raises(MailboxExists):
                account.create(taken)

    @pytest.mark.parametrize("name", ["", "/", "a//b", "/a", "a\x00b", "a\r\nb", "x" * 2000])
    def test_invalid_names_are_refused(self, account: Account, name: str) -> None:
        with pytest.raises(InvalidMailboxName):
            account.create(name)
        assert names(account) == ["INBOX"]

    def test_names_are_normalized_to_nfc(self, account: Account) -> None:
        assert account.create("Cafe\u0301") == "Caf\u00e9"  # RFC 9051 §5.1
        assert account.mailbox("Cafe\u0301").name == "Caf\u00e9"

    def test_special_use(self, account: Account) -> None:
        account.create("Sent", special_use="\\sent")  # RFC 6154
        [info] = [info for info in account.mailboxes() if info.name == "Sent"]
        assert info.special_use == "\\Sent"
        assert info.attributes == ("\\HasNoChildren", "\\Sent")
        with pytest.raises(InvalidSpecialUse):
            account.create("Spam", "\\Spam")
        assert names(account) == ["INBOX", "Sent"]

    def test_another_delimiter(self, make_store: StoreFactory) -> None:
        account = make_store(delimiter=".").account("alice")
        assert account.delimiter == "."
        account.create("a.b")
        assert names(account) == ["INBOX", "a", "a.b"]
        assert account.mailboxes()[1].delimiter == "."

    # --- delete (RFC 9051 §6.3.5) ---------------------------------------------------------

    def test_delete(self, account: Account) -> None:
        with pytest.raises(NotAllowed):
            account.delete("inbox")
        with pytest.raises(NoSuchMailbox):
            account.delete("Missing")
        account.create("Old")
        account.mailbox("Old").append(MSG)
        account.delete("Old")
        assert names(account) == ["INBOX"]
        assert account.quota_usage() == (0, 0)

    def test_delete_with_inferiors_leaves_a_noselect_name(self, account: Account) -> None:
        account.create("foo/bar")
        foo = account.mailbox("foo")
        foo.append(MSG)
        account.delete("foo")
        infos = {info.name: info for info in account.mailboxes()}
        assert infos["foo"].attributes == ("\\HasChildren", "\\Noselect")
        assert infos["foo/bar"].selectable
        assert account.quota_usage() == (0, 0)
        with pytest.raises(MailboxNotSelectable):
            account.mailbox("foo")
        with pytest.raises(NoSuchMailbox):
            foo.messages()  # the handle died with the mailbox
        with pytest.raises(HasChildren):
            account.delete("foo")
        account.delete("foo/bar")
        assert names(account) == ["INBOX", "foo"]  # still there, \Noselect
        account.delete("foo")
        assert names(account) == ["INBOX"]

    def test_a_recreated_mailbox_has_a_new_uidvalidity(self, account: Account) -> None:
        account.create("Box/child")
        old = account.mailbox("Box")
        old.append(MSG)
        account.delete("Box")
        assert account.create("Box") == "Box"  # a \Noselect name becomes a mailbox again
        new = account.mailbox("Box")
        assert new.uidvalidity > old.uidvalidity  # RFC 9051 §6.3.4: or UIDs must not repeat
        assert new.messages() == []

    # --- rename (RFC 9051 §6.3.6) ---------------------------------------------------------

    def test_rename_keeps_uids_and_moves_inferiors(self, account: Account) -> None:
        account.create("foo/bar")
        foo, bar = account.mailbox("foo"), account.mailbox("foo/bar")
        foo.append(MSG, ["\\Seen"])
        foo.append(MSG)
        before = foo.snapshot()
        assert account.rename("foo", "zap/zowie") == "zap/zowie"
        assert names(account) == ["INBOX", "zap", "zap/zowie", "zap/zowie/bar"]
        after = account.mailbox("zap/zowie").snapshot()
        assert (after.uidvalidity, after.uidnext) == (before.uidvalidity, before.uidnext)
        assert after.messages == before.messages
        assert (foo.name, bar.name) == ("zap/zowie", "zap/zowie/bar")  # handles follow
        assert foo.append(MSG) == 3  # UIDs go on
        with pytest.raises(NoSuchMailbox):
            account.mailbox("foo")

    def test_rename_errors(self, account: Account) -> None:
        account.create("a/b")
        account.create("c")
        with pytest.raises(NoSuchMailbox):
            account.rename("nope", "x")
        with pytest.raises(MailboxExists):
            account.rename("a", "c")
        with pytest.raises(MailboxExists):
            account.rename("c", "inbox")
        with pytest.raises(NotAllowed):
            account.rename("a", "a/b/d")
        with pytest.raises(InvalidMailboxName):
            account.rename("c", "x//y")
        assert names(account) == ["INBOX", "a", "a/b", "c"]

    def test_renaming_inbox_moves_its_messages(self, account: Account) -> None:
        account.create("INBOX/bar")
        inbox = account.mailbox("INBOX")
        inbox.append(MSG, ["\\Seen"], DATE)
        inbox.append(b"second")
        uidvalidity = inbox.uidvalidity
        assert account.rename("inbox", "old-mail") == "old-mail"
        assert names(account) == ["INBOX", "INBOX/bar", "old-mail"]  # inferiors unaffected
        old = account.mailbox("old-mail")
        assert [old.read(info.uid) for info in old.messages()] == [MSG, b"second"]
        assert old.messages()[0].flags == {"\\Seen"}
        assert old.messages()[0].internal_date == DATE
        assert (inbox.name, inbox.message_count, inbox.uidvalidity) == ("INBOX", 0, uidvalidity)
        assert inbox.append(MSG) == 3  # INBOX never reuses a UID
        assert old.uidvalidity != uidvalidity
        assert account.quota_usage() == (2 * len(MSG) + 6, 3)

    # --- subscriptions (RFC 9051 §6.3.7, §6.3.8) ------------------------------------------

    def test_subscriptions(self, account: Account) -> None:
        account.create("Work")
        for name in ("Work", "Work", "inbox", "Later"):  # need not exist; twice is fine
            account.subscribe(name)
        assert account.subscriptions() == ["INBOX", "Later", "Work"]
        infos = {info.name: info for info in account.mailboxes()}
        assert infos["Work"].subscribed
        assert "\\Subscribed" in infos["INBOX"].attributes
        account.rename("Work", "Job")  # RFC 9051 §6.3.6: subscriptions are not renamed
        account.delete("Job")  # nor removed (§6.3.7)
        assert account.subscriptions() == ["INBOX", "Later", "Work"]
        for name in ("Work", "Work", "Never"):
            account.unsubscribe(name)
        assert account.subscriptions() == ["INBOX", "Later"]

    # --- limits and quota -----------------------------------------------------------------

    def test_mailbox_count_limit(self, make_store: StoreFactory) -> None:
        account = make_store(limits=MailstoreLimits(max_mailboxes=3)).account("alice")
        account.create("a")
        with pytest.raises(LimitExceeded):
            account.create("b/c")  # would make two more names
        account.create("b")
        with pytest.raises(LimitExceeded):
            account.create("c")
        assert names(account) == ["INBOX", "a", "b"]

    def test_message_size_limit(self, make_store: StoreFactory) -> None:
        inbox = (
            make_store(limits=MailstoreLimits(max_message_size=10)).account("a").mailbox("INBOX")
        )
        with pytest.raises(TooBig):
            inbox.append(b"x" * 11)
        appender = inbox.begin_append()
        appender.write(b"x" * 6)
        with pytest.raises(TooBig):
            appender.write(b"x" * 5)  # refused while streaming, not at the end
        assert inbox.message_count == 0
        assert inbox.append(b"x" * 10) == 1

    def test_quota(self, make_store: StoreFactory) -> None:
        limits = MailstoreLimits(max_storage=100, max_messages=3)
        account = make_store(limits=limits).account("alice")
        account.create("Other")
        inbox, other = account.mailbox("INBOX"), account.mailbox("Other")
        inbox.append(b"x" * 60)
        with pytest.raises(OverQuota):
            other.append(b"x" * 41)  # quota is per account
        other.append(b"x" * 40)
        assert account.quota_usage() == (100, 2)
        with pytest.raises(OverQuota):
            inbox.copy([1], other)
        assert other.move([1], inbox) == [(1, 2)]  # a move never grows usage
        inbox.store_flags([1], "add", ["\\Deleted"])
        inbox.expunge()
        assert account.quota_usage() == (40, 1)
        inbox.append(b"y")
        inbox.append(b"z")
        with pytest.raises(OverQuota):
            inbox.append(b"w")  # the message count quota
        assert account.quota_usage() == (42, 3)

    # --- messages -----------------------------------------------------------------------------

    def test_append_and_read_exact_bytes(self, inbox: Mailbox) -> None:
        data = bytes(range(256)) + b"\r\n.\r\n\x00no final newline"
        uid = inbox.append(data, ["\\seen", "$Forwarded"], DATE)
        assert inbox.read(uid) == data
        assert inbox.open(uid).read() == data
        info = inbox.get(uid)
        assert info == MessageInfo(
            uid, frozenset({"\\Seen", "$Forwarded"}), DATE, len(data), info.modseq
        )
        with pytest.raises(NoSuchMessage):
            inbox.get(uid + 1)
        with pytest.raises(NoSuchMessage):
            inbox.read(uid + 1)

    def test_internal_date(self, inbox: Mailbox) -> None:
        before = datetime.now(timezone.utc).replace(microsecond=0)
        default = inbox.get(inbox.append(MSG)).internal_date
        assert before <= default <= datetime.now(timezone.utc)
        precise = DATE.replace(microsecond=678901)
        assert inbox.get(inbox.append(MSG, internal_date=precise)).internal_date == DATE
        with pytest.raises(ValueError, match="timezone"):
            inbox.append(MSG, internal_date=datetime(2024, 1, 1))  # naive
        assert inbox.message_count == 2

    def test_flags_are_canonical_and_case_insensitive(self, inbox: Mailbox) -> None:
        first = inbox.append(MSG, ["\\SEEN", "$forwarded", "\\seen"])
        second = inbox.append(MSG, ["$FORWARDED"])
        third = inbox.append(MSG, ["$Junk", "$JUNK"])
        assert inbox.get(third).flags == {"$Junk"}  # the first spelling in one call too
        assert inbox.get(first).flags == {"\\Seen", "$forwarded"}
        assert inbox.get(second).flags == {"$forwarded"}  # the mailbox's first spelling
        assert inbox.snapshot().keywords == ("$forwarded", "$Junk")
        assert inbox.get(second).has_flag("$Forwarded")
        assert inbox.get(first).seen
        assert not inbox.get(first).deleted

    @pytest.mark.parametrize("flag", ["\\Recent", "\\Custom", "", "two words", "a(b", "x]", "%"])
    def test_invalid_flags_are_refused(self, inbox: Mailbox, flag: str) -> None:
        with pytest.raises(InvalidFlag):
            inbox.append(MSG, [flag])
        uid = inbox.append(MSG)
        for mode in ("add", "remove", "replace"):
            with pytest.raises(InvalidFlag):
                inbox.store_flags([uid], mode, [flag])
        assert inbox.messages() == [inbox.get(uid)]
        assert inbox.get(uid).flags == frozenset()

    def test_keyword_limit(self, make_store: StoreFactory) -> None:
        inbox = make_store(limits=MailstoreLimits(max_keywords=2)).account("a").mailbox("INBOX")
        uid = inbox.append(MSG, ["$a", "\\Seen"])
        inbox.store_flags([uid], "add", ["$B", "$A"])
        with pytest.raises(LimitExceeded):
            inbox.store_flags([uid], "add", ["$c"])
        assert inbox.get(uid).flags == {"$a", "$B", "\\Seen"}

    def test_uids_ascend_and_are_never_reused(self, account: Account) -> None:
        inbox = account.mailbox("INBOX")
        assert [inbox.append(MSG) for _ in range(3)] == [1, 2, 3]
        inbox.store_flags([3], "add", ["\\Deleted"])
        assert inbox.expunge() == [3]
        assert inbox.uidnext == 4
        assert inbox.append(MSG) == 4  # RFC 9051 §2.3.1.1
        account.create("Box")
        assert account.mailbox("Box").append(MSG) == 1
        account.rename("Box", "Renamed")
        assert account.mailbox("Renamed").append(MSG) == 2
        assert inbox.uidvalidity == account.mailbox("INBOX").snapshot().uidvalidity

    def test_modseq_grows_with_every_change(self, inbox: Mailbox) -> None:
        seen = [inbox.highestmodseq]
        assert seen[0] >= 1
        uid = inbox.append(MSG)
        seen.append(inbox.highestmodseq)
        assert inbox.get(uid).modseq == seen[-1]
        other = inbox.append(MSG)
        seen.append(inbox.highestmodseq)
        inbox.store_flags([uid], "add", ["\\Seen"])
        seen.append(inbox.highestmodseq)
        assert inbox.get(uid).modseq == seen[-1]
        result = inbox.store_flags([uid], "add", ["\\seen"])  # already set: no change
        assert (result.changed, result.unchanged) == ((), (inbox.get(uid),))
        assert inbox.highestmodseq == seen[-1]
        inbox.store_flags([uid], "add", ["\\Deleted"])
        seen.append(inbox.highestmodseq)
        inbox.expunge()
        seen.append(inbox.highestmodseq)
        assert seen == sorted(set(seen))  # strictly increasing
        assert inbox.changed_since(seen[1]) == [inbox.get(other)]
        assert inbox.changed_since(seen[-1]) == []
        assert inbox.vanished_since(seen[-2]) == [uid]
        assert inbox.vanished_since(seen[-1]) == []

    def test_store_flags_modes(self, inbox: Mailbox) -> None:
        for _ in range(3):
            inbox.append(MSG, ["\\Flagged", "$Label1"])
        result = inbox.store_flags([2, 1, 99], "add", ["\\Seen"])  # 99 does not exist
        assert [info.uid for info in result.changed] == [1, 2]
        assert result.changed[0].flags == {"\\Flagged", "$Label1", "\\Seen"}
        assert (result.skipped, result.highestmodseq) == ((), inbox.highestmodseq)
        result = inbox.store_flags([1, 2, 3], "remove", ["$label1", "\\Seen"])
        assert [info.flags for info in result.messages] == [{"\\Flagged"}] * 3
        result = inbox.store_flags([3], "replace", ["\\Draft"])
        assert inbox.get(3).flags == {"\\Draft"}
        assert inbox.store_flags([3], "replace", []).changed[0].flags == frozenset()
        with pytest.raises(ValueError, match="mode"):
            inbox.store_flags([1], "toggle", [])  # type: ignore[arg-type]

    def test_unchanged_since(self, inbox: Mailbox) -> None:  # RFC 7162 §3.1.3
        a, b = inbox.append(MSG), inbox.append(MSG)
        mark = inbox.highestmodseq
        inbox.store_flags([b], "add", ["\\Seen"])
        result = inbox.store_flags([a, b], "add", ["\\Flagged"], unchanged_since=mark)
        assert [info.uid for info in result.changed] == [a]
        assert result.skipped == (b,)
        assert not inbox.get(b).has_flag("\\Flagged")
        result = inbox.store_flags([a, b], "add", ["\\Answered"], unchanged_since=0)
        assert (result.changed, result.skipped) == ((), (a, b))

    def test_expunge_removes_only_deleted_messages(self, inbox: Mailbox) -> None:
        for _ in range(4):
            inbox.append(MSG)
        inbox.store_flags([1, 2, 4], "add", ["\\Deleted"])
        assert inbox.expunge([2, 3]) == [2]  # UID EXPUNGE: only these, only if \Deleted
        assert inbox.expunge() == [1, 4]
        assert [info.uid for info in inbox.messages()] == [3]
        assert inbox.expunge() == []

    def test_vanished_since_is_bounded(self, make_store: StoreFactory) -> None:
        inbox = make_store(limits=MailstoreLimits(max_tombstones=2)).account("a").mailbox("INBOX")
        for _ in range(5):
            inbox.append(MSG)
        mark = inbox.highestmodseq
        for uid in (1, 2, 3):
            inbox.store_flags([uid], "add", ["\\Deleted"])
            inbox.expunge()
        assert inbox.vanished_since(inbox.highestmodseq - 1) == [3]
        vanished = inbox.vanished_since(mark)  # older than what is remembered: a superset
        assert {1, 2, 3} <= set(vanished)
        assert vanished == sorted(vanished)
        assert not set(vanished) & {4, 5}
        assert all(uid < inbox.uidnext for uid in vanished)

    # --- copy and move (RFC 9051 §6.4.7, RFC 6851) ----------------------------------------

    def test_copy_keeps_flags_dates_and_bytes(self, account: Account) -> None:
        inbox = account.mailbox("INBOX")
        account.create("Archive")
        archive = account.mailbox("Archive")
        archive.append(b"already here")
        inbox.append(MSG, ["\\Seen", "$Work"], DATE)
        inbox.append(b"two")
        inbox.append(b"three", ["\\Deleted"], DATE)
        assert inbox.copy([3, 1, 99], archive) == [(1, 2), (3, 3)]
        for old, new in [(1, 2), (3, 3)]:
            source, copy = inbox.get(old), archive.get(new)
            assert (copy.flags, copy.internal_date) == (source.flags, source.internal_date)
            assert archive.read(new) == inbox.read(old)
        assert inbox.message_count == 3
        assert account.quota_usage()[1] == 6
        assert inbox.copy([2], inbox) == [(2, 4)]  # into the same mailbox
        account.delete("Archive")
        with pytest.raises(NoSuchMailbox):
            inbox.copy([1], archive)

    def test_move(self, account: Account) -> None:
        inbox = account.mailbox("INBOX")
        account.create("Done")
        done = account.mailbox("Done")
        for flags in (["\\Seen"], [], ["$Work"]):
            inbox.append(MSG, flags, DATE)
        usage, mark = account.quota_usage(), inbox.highestmodseq
        assert inbox.move([3, 1], done) == [(1, 1), (3, 2)]
        assert [info.uid for info in inbox.messages()] == [2]  # expunged, \Deleted or not
        assert [info.flags for info in done.messages()] == [{"\\Seen"}, {"$Work"}]
        assert account.quota_usage() == usage
        assert inbox.vanished_since(mark) == [1, 3]

    # --- streamed append ------------------------------------------------------------------

    def test_streamed_append(self, inbox: Mailbox) -> None:
        buffer = bytearray(b"Subject: big\r\n\r\n")
        with inbox.begin_append() as appender:
            appender.write(buffer)
            buffer[:] = b"overwritten!!!!!"  # the appender copied the chunk
            for _ in range(10):
                appender.write(b"x" * 100)
            assert (appender.size, inbox.message_count) == (1016, 0)
            uid = appender.commit(["\\Draft"], DATE)
        assert inbox.read(uid) == b"Subject: big\r\n\r\n" + b"x" * 1000
        info = inbox.get(uid)
        assert (info.flags, info.internal_date) == (frozenset({"\\Draft"}), DATE)
        with pytest.raises(ValueError, match="committed or aborted"):
            appender.write(b"more")

    def test_abort_leaves_nothing(self, account: Account, inbox: Mailbox) -> None:
        uidnext, modseq = inbox.uidnext, inbox.highestmodseq
        appender = inbox.begin_append()
        appender.write(MSG)
        appender.abort()
        appender.abort()  # harmless
        with pytest.raises(ValueError, match="committed or aborted"):
            appender.commit()
        try:
            with inbox.begin_append() as failing:
                failing.write(MSG)
                raise ConnectionError("the client went away")
        except ConnectionError:
            pass
        with pytest.raises(ValueError, match="committed or aborted"):
            failing.commit()  # leaving the block aborted it
        assert (inbox.message_count, inbox.uidnext, inbox.highestmodseq) == (0, uidnext, modseq)
        assert account.quota_usage() == (0, 0)

    def test_commit_appends_is_all_or_nothing(self, make_store: StoreFactory) -> None:
        inbox = make_store(limits=MailstoreLimits(max_messages=2)).account("a").mailbox("INBOX")
        appenders = [inbox.begin_append() for _ in range(3)]
        for number, appender in enumerate(appenders):
            appender.write(b"message %d" % number)
        with pytest.raises(OverQuota):
            inbox.commit_appends([(appender, [], None) for appender in appenders])
        assert inbox.message_count == 0  # RFC 3502: none of them
        pending = [(appender, ["\\Seen"], DATE) for appender in appenders[:2]]
        assert inbox.commit_appends(pending) == [1, 2]
        assert inbox.read(2) == b"message 1"
        appenders[2].abort()

    # --- \Recent, STATUS, snapshots -------------------------------------------------------

    def test_recent_is_claimed_by_exactly_one_session(self, inbox: Mailbox) -> None:
        inbox.append(MSG)
        inbox.append(MSG)
        assert inbox.status().recent == 2
        assert inbox.snapshot().recent == frozenset()  # EXAMINE claims nothing
        assert inbox.snapshot(claim_recent=True).recent == {1, 2}
        assert inbox.snapshot(claim_recent=True).recent == frozenset()
        inbox.append(MSG)
        inbox.copy([1], inbox)  # a copy is new: recent again
        assert inbox.status().recent == 2
        assert inbox.claim_recent() == {3, 4}
        assert inbox.claim_recent() == frozenset()
        assert inbox.status().recent == 0

    def test_status_and_snapshot(self, inbox: Mailbox) -> None:
        inbox.append(b"12345", ["\\Seen", "$Work"])
        inbox.append(b"123", ["\\Deleted"])
        # messages, recent, uidnext, uidvalidity, unseen, deleted, size, highestmodseq
        expected = MailboxStatus(2, 2, 3, inbox.uidvalidity, 1, 1, 8, inbox.highestmodseq)
        assert inbox.status() == expected
        snapshot = inbox.snapshot()
        assert (snapshot.name, snapshot.uids, snapshot.uidnext) == ("INBOX", (1, 2), 3)
        assert (snapshot.keywords, snapshot.highestmodseq) == (("$Work",), inbox.highestmodseq)
        inbox.store_flags([1], "add", ["\\Flagged"])
        assert snapshot.messages[0].flags == {"\\Seen", "$Work"}  # snapshots never change

    # --- notifications ----------------------------------------------------------------------

    def test_watch_reports_each_change_once_after_it_is_visible(self, inbox: Mailbox) -> None:
        seen: list[tuple[Event, int]] = []
        subscription = inbox.watch(lambda event: seen.append((event, inbox.message_count)))
        uid = inbox.append(MSG)
        inbox.store_flags([uid], "add", ["\\Deleted"])
        inbox.store_flags([uid], "add", ["\\Deleted"])  # no change, no event
        inbox.expunge()
        subscription.close()
        inbox.append(MSG)
        added, changed, expunged = (event for event, _ in seen)
        assert [count for _, count in seen] == [1, 1, 0]  # each seen once it was visible
        assert isinstance(added, MessagesAdded)
        assert isinstance(changed, FlagsChanged)
        assert isinstance(expunged, MessagesExpunged)
        assert (added.mailbox, added.uids, expunged.uids) == ("INBOX", (uid,), (uid,))
        assert added.modseq < changed.modseq < expunged.modseq == inbox.highestmodseq - 1
        assert changed.messages[0].deleted
        assert subscription.closed

    def test_no_call_after_close(self, inbox: Mailbox) -> None:
        recorder = Recorder()
        # Subscribers are called in the order they subscribed: the first closes the second
        # while the event is on its way to it.
        inbox.watch(lambda event: second.close())
        second = inbox.watch(recorder)
        inbox.append(MSG)
        assert recorder.events == []

    def test_account_watch_sees_every_mailbox(self, account: Account) -> None:
        recorder = Recorder()
        with account.watch(recorder):
            account.create("a/b")
            account.rename("a", "c")
            account.mailbox("c/b").append(MSG)
            account.delete("c/b")
        account.create("unwatched")
        kinds = [(type(event).__name__, event.mailbox) for event in recorder.events]
        assert kinds[:2] == [("MailboxCreated", "a"), ("MailboxCreated", "a/b")]
        assert sorted(kinds[2:4]) == [("MailboxRenamed", "c"), ("MailboxRenamed", "c/b")]
        assert kinds[4:] == [("MessagesAdded", "c/b"), ("MailboxDeleted", "c/b")]

    def test_mailbox_watch_sees_rename_and_delete(self, account: Account) -> None:
        account.create("x")
        box = account.mailbox("x")
        recorder = Recorder()
        box.watch(recorder)
        account.rename("x", "y")
        account.delete("y")
        assert recorder.events == [
            MailboxRenamed("y", box.uidvalidity, "x"),
            MailboxDeleted("y", box.uidvalidity),
        ]
        with pytest.raises(NoSuchMailbox):
            box.append(MSG)

    def test_a_failing_callback_harms_nobody(
        self, inbox: Mailbox, caplog: pytest.LogCaptureFixture
    ) -> None:
        def fail(event: Event) -> None:
            raise RuntimeError("callback bug")

        recorder = Recorder()
        inbox.watch(fail)
        inbox.watch(recorder)
        assert inbox.append(MSG) == 1
        assert len(recorder.events) == 1
        assert "callback bug" in caplog.text

    def test_callbacks_run_outside_the_lock(self, inbox: Mailbox) -> None:
        release, entered = threading.Event(), threading.Event()

        def slow(event: Event) -> None:
            entered.set()
            release.wait(10)

        inbox.watch(slow)
        writer = threading.Thread(target=inbox.append, args=(MSG,))
        writer.start()
        counts: list[int] = []
        reader = threading.Thread(target=lambda: counts.append(inbox.message_count))
        try:
            assert entered.wait(10)
            reader.start()
            reader.join(5)  # would hang if the callback held the store's lock
            assert counts == [1]
        finally:
            release.set()
            writer.join()
            reader.join()

    def test_a_callback_may_change_the_store(self, account: Account) -> None:
        inbox = account.mailbox("INBOX")
        account.create("Log")
        log = account.mailbox("Log")
        recorder = Recorder()
        log.watch(recorder)

        def forward(event: Event) -> None:
            if isinstance(event, MessagesAdded):
                log.append(b"arrived: %d" % event.uids[0])

        inbox.watch(forward)
        inbox.append(MSG)
        assert log.read(1) == b"arrived: 1"
        assert [type(event) for event in recorder.events] == [MessagesAdded]

    # --- threads --------------------------------------------------------------------------

    def test_wait_for(self, store: Mailstore) -> None:
        assert not store.wait_for("alice", "INBOX", 1, timeout=0.05)
        timer = threading.Timer(0.05, store.deliver, args=("alice", "INBOX", MSG))
        timer.start()
        assert store.wait_for("alice", "INBOX", 1, timeout=10)
        timer.join()
        with pytest.raises(NoSuchMailbox):
            store.wait_for("alice", "Missing", 1, timeout=0.01)

    def test_concurrent_appends(self, store: Mailstore) -> None:
        threads, each = 8, 40
        inbox = store.account("alice").mailbox("INBOX")
        recorder = Recorder()
        inbox.watch(recorder)
        results: list[list[int]] = []
        start = threading.Barrier(threads)

        def work() -> None:
            start.wait()
            results.append([store.deliver("alice", "INBOX", MSG) for _ in range(each)])

        workers = [threading.Thread(target=work) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        total = threads * each
        assert all(uids == sorted(uids) for uids in results)
        assert sorted(uid for uids in results for uid in uids) == list(range(1, total + 1))
        assert store.account("alice").quota_usage() == (total * len(MSG), total)
        modseqs = [event.modseq for event in recorder.events if isinstance(event, MessagesAdded)]
        assert len(modseqs) == total
        assert modseqs == sorted(set(modseqs))  # in order, each once

    def test_concurrent_mixed_changes_keep_counts_consistent(self, account: Account) -> None:
        account.create("Archive")
        inbox, archive = account.mailbox("INBOX"), account.mailbox("Archive")

        def work(number: int) -> None:
            for _ in range(20):
                uid = inbox.append(MSG)
                if number % 2:
                    inbox.move([uid], archive)
                else:
                    inbox.copy([uid], archive)
                    inbox.store_flags([uid], "add", ["\\Deleted"])
                    inbox.expunge([uid])

        workers = [threading.Thread(target=work, args=(n,)) for n in range(6)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert (inbox.message_count, archive.message_count) == (0, 120)
        assert account.quota_usage() == (120 * len(MSG), 120)
        assert [info.uid for info in archive.messages()] == list(range(1, 121))
