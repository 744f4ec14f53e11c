"""MaildirMailstore: the conformance suite, the model test, and what only a Maildir promises."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import settings

from pymailproto.mailstore import (
    FlagsChanged,
    InvalidMailboxName,
    LimitExceeded,
    MailboxDeleted,
    MaildirMailstore,
    MailstoreLimits,
    MessagesAdded,
    MessagesExpunged,
    NoSuchMailbox,
)
from pymailproto.mailstore._maildir_files import deliver_to_maildir
from pymailproto.mailstore._maildir_mailbox import MaildirAppender
from tests.mailstore.conformance import MailstoreConformance, Recorder, StoreFactory
from tests.mailstore.machine import mailbox_machine


@pytest.fixture
def make_store(tmp_path: Path) -> StoreFactory:
    roots = itertools.count()

    def make(*, limits: MailstoreLimits | None = None, delimiter: str = "/") -> MaildirMailstore:
        return MaildirMailstore(tmp_path / f"root{next(roots)}", limits=limits, delimiter=delimiter)

    return make


class TestMaildirConformance(MailstoreConformance):
    """Every rule of the mailstore contract, for MaildirMailstore."""


#: The model test makes a store per example; their roots go when the test process ends.
_MODEL_ROOTS = tempfile.TemporaryDirectory(prefix="pymailproto-maildir-model-")


def _model_store() -> MaildirMailstore:
    return MaildirMailstore(tempfile.mkdtemp(dir=_MODEL_ROOTS.name))


TestMaildirModel = mailbox_machine(_model_store).TestCase
TestMaildirModel.settings = settings(max_examples=25, stateful_step_count=30, deadline=None)


# --- helpers ----------------------------------------------------------------------------------

MSG = b"From: a@example.org\r\nSubject: test\r\n\r\nHello\r\n"
DATE = datetime(2024, 3, 1, 12, 30, 15, tzinfo=timezone.utc)
NAME = re.compile(r"\d+\.M\d+P\d+Q\d+\.[^/:]+,S=(\d+)")


def files(directory: Path) -> list[str]:
    return sorted(os.listdir(directory))


def uidlist(maildir: Path) -> tuple[list[str], list[tuple[int, str]]]:
    """The header fields and (UID, base) lines of a dovecot-uidlist."""
    first, *lines = (maildir / "dovecot-uidlist").read_text().splitlines()
    entries = []
    for line in lines:
        uid, _, base = line.partition(" :")
        entries.append((int(uid.split()[0]), base))
    return first.split(), entries


# --- where the files go -----------------------------------------------------------------------


def test_messages_land_where_dovecot_expects_them(tmp_path: Path) -> None:
    store = MaildirMailstore(tmp_path)
    inbox = store.account("alice").mailbox("INBOX")
    maildir = tmp_path / "alice"
    assert store.maildir("alice") == maildir
    assert {"cur", "new", "tmp"} <= set(files(maildir))
    plain = inbox.append(MSG, internal_date=DATE)
    flagged = inbox.append(
        MSG, ["\\Seen", "\\Answered", "\\Flagged", "\\Draft", "\\Deleted", "$Forwarded", "Junk"]
    )
    [new] = files(maildir / "new")  # no flags: new/, no info
    match = NAME.fullmatch(new)
    assert match is not None
    assert int(match.group(1)) == len(MSG)  # Dovecot's ,S=<size>
    assert (maildir / "new" / new).read_bytes() == MSG
    assert (maildir / "new" / new).stat().st_mtime == DATE.timestamp()  # the internal date
    [cur] = files(maildir / "cur")
    base, _, info = cur.partition(":")
    assert NAME.fullmatch(base)
    assert info == "2,DFRSTab"  # maildir(5) letters, then keywords a and b, in ASCII order
    assert (maildir / "dovecot-keywords").read_text() == "0 $Forwarded\n1 Junk\n"
    header, entries = uidlist(maildir)
    assert header[0] == "3"
    assert header[1] == f"V{inbox.uidvalidity}"
    assert header[2] == "N3"
    assert re.fullmatch(r"G[0-9a-f]{32}", header[3])
    assert entries == [(plain, new), (flagged, base)]
    assert files(maildir / "tmp") == []


def test_folders_subscriptions_and_names(tmp_path: Path) -> None:
    account = MaildirMailstore(tmp_path).account("alice")
    account.create("Work/2024")
    account.create("Caf\u00e9", special_use="\\Archive")
    account.create("A&B")
    for name in ("Caf\u00e9", "Work/2024", "INBOX"):
        account.subscribe(name)
    maildir = tmp_path / "alice"
    folders = [name for name in files(maildir) if name.startswith(".")]
    assert folders == [".A&-B", ".Caf&AOk-", ".Work", ".Work.2024"]  # RFC 3501 §5.1.3
    assert all((maildir / folder / "maildirfolder").exists() for folder in folders)
    assert all((maildir / folder / "cur").is_dir() for folder in folders)
    subscriptions = (maildir / "subscriptions").read_text()
    assert subscriptions == "V\t2\n\nCaf&AOk-\nINBOX\nWork\t2024\n"  # Dovecot's version 2
    assert (
        (maildir / ".Caf&AOk-" / "pymailproto-state")
        .read_text()
        .endswith("special-use \\Archive\n")
    )


def test_rename_and_delete_on_disk(tmp_path: Path) -> None:
    account = MaildirMailstore(tmp_path).account("alice")
    account.create("foo/bar")
    account.mailbox("foo/bar").append(MSG)
    account.rename("foo", "zap/zowie")
    maildir = tmp_path / "alice"
    folders = [name for name in files(maildir) if name.startswith(".")]
    assert folders == [".zap", ".zap.zowie", ".zap.zowie.bar"]  # one directory each
    assert len(files(maildir / ".zap.zowie.bar" / "new")) == 1
    account.delete("zap/zowie")  # has an inferior: stays as a \Noselect name
    assert [name for name in files(maildir) if name.startswith(".")] == [".zap", ".zap.zowie.bar"]
    assert (maildir / "pymailproto-noselect").read_text() == "V\t2\n\nzap\tzowie\n"
    account.delete("zap/zowie/bar")
    account.delete("zap/zowie")
    assert (maildir / "pymailproto-noselect").read_text() == "V\t2\n\n"
    assert [name for name in files(maildir) if name.startswith(".")] == [".zap"]


def test_names_a_maildir_cannot_hold(tmp_path: Path) -> None:
    account = MaildirMailstore(tmp_path).account("alice")
    for name in ("a.b", "x" * 300):
        with pytest.raises(InvalidMailboxName):
            account.create(name)
    dotted = MaildirMailstore(tmp_path / "dots", delimiter=".").account("alice")
    dotted.create("a.b")
    assert (tmp_path / "dots" / "alice" / ".a.b").is_dir()
    with pytest.raises(InvalidMailboxName):
        dotted.create("a/b")
    assert [info.name for info in account.mailboxes()] == ["INBOX"]


@pytest.mark.parametrize("user", ["", ".", "..", "a/b", "a\x00b"])
def test_user_names_that_are_no_directory(tmp_path: Path, user: str) -> None:
    with pytest.raises(ValueError, match="user"):
        MaildirMailstore(tmp_path).account(user)


def test_subdir_matches_dovecots_home_layout(tmp_path: Path) -> None:
    store = MaildirMailstore(tmp_path, subdir="Maildir")
    store.deliver("alice", "INBOX", MSG)
    assert len(files(tmp_path / "alice" / "Maildir" / "new")) == 1
    assert MaildirMailstore(tmp_path, subdir="Maildir").users() == ["alice"]


def test_initial_mailboxes_for_new_accounts_only(tmp_path: Path) -> None:
    initial = {"Sent": "\\Sent", "Lists/Python": None}
    account = MaildirMailstore(tmp_path, initial_mailboxes=initial).account("alice")
    infos = {info.name: info for info in account.mailboxes()}
    assert list(infos) == ["INBOX", "Lists", "Lists/Python", "Sent"]
    assert infos["Sent"].special_use == "\\Sent"
    account.delete("Sent")
    again = MaildirMailstore(tmp_path, initial_mailboxes=initial).account("alice")
    assert "Sent" not in [info.name for info in again.mailboxes()]  # not re-created


def test_a_keyword_needs_a_letter(tmp_path: Path) -> None:
    inbox = MaildirMailstore(tmp_path).account("alice").mailbox("INBOX")
    keywords = [f"$k{n}" for n in range(26)]
    uid = inbox.append(MSG, keywords)
    assert inbox.get(uid).flags == frozenset(keywords)
    with pytest.raises(LimitExceeded, match="26"):
        inbox.append(MSG, ["$one-too-many"])
    assert inbox.message_count == 1


def test_copies_are_hard_links(tmp_path: Path) -> None:
    account = MaildirMailstore(tmp_path).account("alice")
    account.create("Archive")
    inbox, archive = account.mailbox("INBOX"), account.mailbox("Archive")
    inbox.append(MSG, ["\\Seen"])
    assert inbox.copy([1], archive) == [(1, 1)]
    [original] = files(tmp_path / "alice" / "cur")
    [copy] = files(tmp_path / "alice" / ".Archive" / "cur")
    assert original.split(":")[0] != copy.split(":")[0]  # a new name, the same file
    assert (tmp_path / "alice" / ".Archive" / "cur" / copy).stat().st_nlink == 2


def test_renaming_inbox_moves_the_files(tmp_path: Path) -> None:
    account = MaildirMailstore(tmp_path).account("alice")
    inbox = account.mailbox("INBOX")
    inbox.append(MSG, ["$Work"])
    names = files(tmp_path / "alice" / "cur")
    account.rename("INBOX", "Old")
    assert files(tmp_path / "alice" / ".Old" / "cur") == names  # same names: same bases
    assert files(tmp_path / "alice" / "cur") == []
    assert (tmp_path / "alice" / ".Old" / "dovecot-keywords").read_text() == "0 $Work\n"
    assert uidlist(tmp_path / "alice" / ".Old")[1] == [(1, names[0].split(":")[0])]
    assert uidlist(tmp_path / "alice")[1] == []


def test_the_smtp_writer_is_the_stores(tmp_path: Path) -> None:
    delivered = deliver_to_maildir(tmp_path / "bob", MSG)
    assert delivered.parent == tmp_path / "bob" / "new"
    assert NAME.fullmatch(delivered.name)
    inbox = MaildirMailstore(tmp_path).account("bob").mailbox("INBOX")
    assert [inbox.read(info.uid) for info in inbox.messages()] == [MSG]


# --- surviving a restart ----------------------------------------------------------------------


def test_a_new_store_on_the_same_root_sees_the_same_mailboxes(tmp_path: Path) -> None:
    account = MaildirMailstore(tmp_path).account("alice")
    account.create("Lists/Python", special_use="\\Flagged")
    account.create("Gone/child")
    account.delete("Gone")  # a \Noselect name with an inferior
    account.subscribe("Lists/Python")
    account.subscribe("Nowhere")
    inbox = account.mailbox("INBOX")
    for flags in (["\\Seen"], [], ["$Work", "\\Flagged"]):
        inbox.append(MSG, flags, DATE)
    inbox.store_flags([3], "add", ["\\Deleted"])
    inbox.store_flags([3], "remove", ["\\Deleted"])
    inbox.store_flags([1], "add", ["\\Deleted"])
    inbox.expunge()
    before = inbox.snapshot()

    again = MaildirMailstore(tmp_path).account("alice")
    assert again.mailboxes() == account.mailboxes()
    assert again.subscriptions() == ["Lists/Python", "Nowhere"]
    after = again.mailbox("INBOX").snapshot()
    assert (after.uidvalidity, after.uidnext) == (before.uidvalidity, before.uidnext)
    assert after.highestmodseq == before.highestmodseq  # unchanged since: the same
    assert [(i.uid, i.flags, i.internal_date, i.size) for i in after.messages] == [
        (i.uid, i.flags, i.internal_date, i.size) for i in before.messages
    ]
    assert {info.modseq for info in after.messages} == {before.highestmodseq}
    assert after.keywords == ("$Work",)
    assert after.recent == frozenset()  # nothing arrived while no store ran
    assert again.mailbox("INBOX").status().recent == 0
    infos = {info.name: info for info in again.mailboxes()}
    assert infos["Lists/Python"].special_use == "\\Flagged"
    assert not infos["Gone"].selectable
    assert again.mailbox("INBOX").append(MSG) == before.uidnext  # UIDs go on
    assert MaildirMailstore(tmp_path).users() == ["alice"]


def test_changes_while_no_store_runs_raise_highestmodseq(tmp_path: Path) -> None:
    inbox = MaildirMailstore(tmp_path).account("alice").mailbox("INBOX")
    inbox.append(MSG, ["\\Flagged"])
    highest = inbox.highestmodseq
    [name] = files(tmp_path / "alice" / "cur")
    os.rename(tmp_path / "alice" / "cur" / name, tmp_path / "alice" / "cur" / (name + "S"))
    again = MaildirMailstore(tmp_path).account("alice").mailbox("INBOX")
    assert again.get(1).flags == {"\\Flagged", "\\Seen"}
    assert again.highestmodseq > highest  # a client synced at `highest` hears of the change
    assert again.changed_since(highest) == [again.get(1)]
    assert again.vanished_since(highest - 1) == []  # nothing below UIDNEXT is missing


# --- other programs share the Maildir ---------------------------------------------------------


def test_mail_delivered_by_another_program_gets_the_next_uid(tmp_path: Path) -> None:
    store = MaildirMailstore(tmp_path)
    inbox = store.account("alice").mailbox("INBOX")
    inbox.append(MSG)
    recorder = Recorder()
    inbox.watch(recorder)
    deliver_to_maildir(tmp_path / "alice", b"first\r\n")  # as an MDA would
    flagged = tmp_path / "alice" / "cur" / "1700000000.M1P1Q1.elsewhere,S=7:2,FS"
    flagged.write_bytes(b"second\n")
    assert [info.uid for info in inbox.messages()] == [1, 2, 3]
    # New UIDs in the order of the delivery times in the names: the cur/ file is older.
    assert (inbox.read(2), inbox.get(2).flags) == (b"second\n", frozenset({"\\Flagged", "\\Seen"}))
    assert (inbox.read(3), inbox.get(3).flags) == (b"first\r\n", frozenset())
    [added] = recorder.events
    assert isinstance(added, MessagesAdded)
    assert added.uids == (2, 3)
    assert [entry[0] for entry in uidlist(tmp_path / "alice")[1]] == [1, 2, 3]


def test_wait_for_sees_mail_another_process_delivers(tmp_path: Path) -> None:
    store = MaildirMailstore(tmp_path)
    assert store.account("alice").mailbox("INBOX").message_count == 0
    # The SMTP MaildirHandler of another process: no event reaches this store.
    timer = threading.Timer(0.1, deliver_to_maildir, args=(tmp_path / "alice", MSG))
    timer.start()
    try:
        started = time.monotonic()
        assert store.wait_for("alice", "INBOX", 1, timeout=10)
        assert time.monotonic() - started < 5
    finally:
        timer.join()
    assert not store.wait_for("alice", "INBOX", 2, timeout=0.2)


def test_flag_changes_and_expunges_by_another_program(tmp_path: Path) -> None:
    inbox = MaildirMailstore(tmp_path).account("alice").mailbox("INBOX")
    inbox.append(MSG, ["\\Seen"])
    inbox.append(MSG, ["\\Seen"])
    recorder = Recorder()
    inbox.watch(recorder)
    first, second = (
        tmp_path / "alice" / "cur" / name for name in files(tmp_path / "alice" / "cur")
    )
    os.rename(first, first.with_name(first.name + "T"))  # mutt marks it deleted
    os.unlink(second)  # and another client expunges the other
    assert [(info.uid, info.flags) for info in inbox.messages()] == [
        (1, frozenset({"\\Seen", "\\Deleted"}))
    ]
    expunged, changed = recorder.events
    assert isinstance(expunged, MessagesExpunged)
    assert isinstance(changed, FlagsChanged)
    assert (expunged.uids, [info.uid for info in changed.messages]) == ((2,), [1])
    assert inbox.vanished_since(expunged.modseq - 1) == [2]
    assert uidlist(tmp_path / "alice")[1] == [(1, first.name.split(":")[0])]
    assert inbox.expunge() == [1]
    assert files(tmp_path / "alice" / "cur") == []


def test_a_maildir_written_by_dovecot(tmp_path: Path) -> None:
    """UIDs, keywords, extension fields and LF-stored files as Dovecot leaves them."""
    maildir = tmp_path / "alice"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    lf = b"Subject: a\n\nhello\n"
    (maildir / "cur" / "1700000001.M5P9.host,S=18,W=21:2,Sb").write_bytes(lf)
    (maildir / "cur" / "1700000000.M7P9.host,S=5:2,P").write_bytes(b"x\r\ny\r\n"[:5])
    (maildir / "new" / "1700000002.M1P9.host").write_bytes(MSG)
    (maildir / "dovecot-keywords").write_text("0 $Forwarded\n1 Junk\n")
    (maildir / "dovecot-uidlist").write_text(
        "3 V1234 N9 G0123456789abcdef0123456789abcdef\n"
        "5 W21 :1700000001.M5P9.host,S=18,W=21\n"
        "7 :1700000000.M7P9.host,S=5\n"
        "8 :1700000003.M1P9.host,S=10\n"  # expunged lazily: the file is gone
    )
    inbox = MaildirMailstore(tmp_path).account("alice").mailbox("INBOX")
    snapshot = inbox.snapshot()
    assert (snapshot.uidvalidity, snapshot.uids, snapshot.uidnext) == (1234, (5, 7, 9), 10)
    assert inbox.get(5).flags == {"\\Seen", "Junk"}
    assert inbox.get(7).flags == frozenset()  # P (passed) is no IMAP flag
    assert (inbox.read(5), inbox.get(5).size) == (b"Subject: a\r\n\r\nhello\r\n", 21)
    assert inbox.read(9) == MSG
    assert inbox.status().recent == 1
    assert inbox.claim_recent() == {9}  # only the file the list did not know is new
    inbox.store_flags([7], "add", ["$Forwarded"])
    assert "1700000000.M7P9.host,S=5:2,Pa" in files(maildir / "cur")  # P kept, sorted
    header, _ = uidlist(maildir)
    assert header[:3] == ["3", "V1234", "N10"]
    assert "5 W21 :1700000001.M5P9.host,S=18,W=21" in (maildir / "dovecot-uidlist").read_text()


def test_mailboxes_created_and_deleted_by_another_program(tmp_path: Path) -> None:
    account = MaildirMailstore(tmp_path).account("alice")
    account.create("Doomed")
    doomed = account.mailbox("Doomed")
    recorder = Recorder()
    doomed.watch(recorder)
    for sub in ("cur", "new", "tmp"):
        (tmp_path / "alice" / ".Caf&AOk-.Sub" / sub).mkdir(parents=True)
    shutil.rmtree(tmp_path / "alice" / ".Doomed")
    infos = {info.name: info for info in account.mailboxes()}
    assert list(infos) == ["INBOX", "Caf\u00e9", "Caf\u00e9/Sub"]
    assert not infos["Caf\u00e9"].selectable  # a level only, as Dovecot lists it
    assert account.mailbox("Caf\u00e9/Sub").append(MSG) == 1
    with pytest.raises(NoSuchMailbox):
        doomed.messages()
    assert recorder.events == [MailboxDeleted("Doomed", doomed.uidvalidity)]


# --- durability -------------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="names fds through /proc")
def test_the_message_is_synced_before_it_appears_and_its_uid_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = MaildirMailstore(tmp_path).account("alice").mailbox("INBOX")
    inbox.messages()  # the UID list exists now
    calls: list[tuple[str, ...]] = []
    real_fsync, real_rename = os.fsync, os.rename

    def fsync(fd: int) -> None:
        calls.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def rename(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        calls.append(("rename", str(source), str(target)))
        real_rename(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "rename", rename)
    uid = inbox.append(MSG, ["\\Seen"])
    monkeypatch.undo()
    maildir = str(tmp_path / "alice")
    tmp = f"{maildir}/tmp/"
    [tmp_sync] = [i for i, c in enumerate(calls) if c[0] == "fsync" and c[1].startswith(tmp)]
    [publish] = [i for i, c in enumerate(calls) if c[0] == "rename" and c[1].startswith(tmp)]
    assert calls[publish][2].startswith(f"{maildir}/cur/")
    assert calls.index(("fsync", f"{maildir}/cur")) == publish + 1  # the rename made durable
    lock, listed = f"{maildir}/dovecot-uidlist.lock", f"{maildir}/dovecot-uidlist"
    list_sync = calls.index(("fsync", lock))
    list_rename = calls.index(("rename", lock, listed))
    assert tmp_sync < publish < list_sync < list_rename  # message first, then its UID
    assert calls.index(("fsync", maildir)) == list_rename + 1
    assert uidlist(tmp_path / "alice")[1][-1][0] == uid


CHILD = """
import sys, time
from pymailproto.mailstore import MaildirMailstore
inbox = MaildirMailstore(sys.argv[1]).account("alice").mailbox("INBOX")
appender = inbox.begin_append()
appender.write(b"Subject: big\\r\\n\\r\\n")
for _ in range(64):
    appender.write(b"x" * 65536)
print("writing", flush=True)
while True:  # a huge APPEND still arriving
    appender.write(b"x" * 65536)
    time.sleep(0.001)
"""


def test_kill_9_during_append_leaves_no_partial_message(tmp_path: Path) -> None:
    MaildirMailstore(tmp_path).account("alice").mailbox("INBOX").append(MSG)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "writing\n"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        assert child.stdout is not None
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    maildir = tmp_path / "alice"
    [debris] = files(maildir / "tmp")
    assert (maildir / "tmp" / debris).stat().st_size > 64 * 65536
    inbox = MaildirMailstore(tmp_path).account("alice").mailbox("INBOX")
    assert [inbox.read(info.uid) for info in inbox.messages()] == [MSG]  # nothing partial
    assert len(files(maildir / "new")) == 1
    assert files(maildir / "tmp") == [debris]  # maybe still being written: kept for now
    old = time.time() - 37 * 3600
    os.utime(maildir / "tmp" / debris, (old, old))
    fresh = maildir / "tmp" / "1.M1P1Q1.elsewhere"
    fresh.write_bytes(b"an MDA at work")
    assert MaildirMailstore(tmp_path).account("alice").mailbox("INBOX").message_count == 1
    assert files(maildir / "tmp") == [fresh.name]  # 36 hours old: debris of a crash


def test_streamed_append_writes_to_disk_as_it_goes(tmp_path: Path) -> None:
    inbox = MaildirMailstore(tmp_path).account("alice").mailbox("INBOX")
    with inbox.begin_append() as appender:
        for _ in range(16):
            appender.write(b"x" * 65536)
        [tmp] = (tmp_path / "alice" / "tmp").iterdir()
        assert tmp.stat().st_size >= 15 * 65536  # not buffered in memory
        assert inbox.message_count == 0
        uid = appender.commit()
    assert files(tmp_path / "alice" / "tmp") == []
    assert inbox.get(uid).size == 16 * 65536


def test_a_message_about_to_be_published_is_no_debris(tmp_path: Path) -> None:
    """Its mtime is already the internal date, years ago; another store opening meanwhile
    (and cleaning tmp/) must leave it alone."""
    inbox = MaildirMailstore(tmp_path).account("alice").mailbox("INBOX")
    appender = inbox.begin_append()
    assert isinstance(appender, MaildirAppender)
    appender.write(MSG)
    appender.sync(int(DATE.timestamp()))  # what commit does before it takes the locks
    assert MaildirMailstore(tmp_path).account("alice").mailbox("INBOX").message_count == 0
    assert appender.commit([], DATE) == 1
    assert inbox.get(1).internal_date == DATE


# --- locks shared with Dovecot ----------------------------------------------------------------


def test_changes_wait_for_the_uidlist_lock(tmp_path: Path) -> None:
    inbox = MaildirMailstore(tmp_path).account("alice").mailbox("INBOX")
    inbox.messages()
    lock = tmp_path / "alice" / "dovecot-uidlist.lock"
    lock.write_bytes(b"")  # Dovecot is syncing the mailbox
    uids: list[int] = []
    writer = threading.Thread(target=lambda: uids.append(inbox.append(MSG)))
    writer.start()
    writer.join(0.3)
    assert writer.is_alive()  # waiting for the lock
    assert files(tmp_path / "alice" / "new") == []
    lock.unlink()
    writer.join(10)
    assert uids == [1]
    old = time.time() - 600
    lock.write_bytes(b"")
    os.utime(lock, (old, old))  # left by a process that died ten minutes ago: stale
    assert inbox.append(MSG) == 2
    assert not lock.exists()


def test_uidvalidity_comes_from_dovecots_counter(tmp_path: Path) -> None:
    maildir = tmp_path / "alice"
    maildir.mkdir()
    (maildir / "dovecot-uidvalidity").write_text("6b04aa87")
    (maildir / "dovecot-uidvalidity.6b04aa87").write_bytes(b"")
    account = MaildirMailstore(tmp_path).account("alice")
    assert account.mailbox("INBOX").uidvalidity == 0x6B04AA88
    account.create("Box")
    assert account.mailbox("Box").uidvalidity == 0x6B04AA89
    assert (maildir / "dovecot-uidvalidity").read_text() == "6b04aa89"
    assert "dovecot-uidvalidity.6b04aa89" in files(maildir)
    assert "dovecot-uidvalidity.6b04aa87" not in files(maildir)
    os.unlink(maildir / "dovecot-uidvalidity.6b04aa89")  # the marker lost: rebuilt, greater
    account.create("Later")
    assert account.mailbox("Later").uidvalidity > 0x6B04AA89
    assert [n for n in files(maildir) if n.startswith("dovecot-uidvalidity.")] == [
        f"dovecot-uidvalidity.{account.mailbox('Later').uidvalidity:08x}"
    ]
