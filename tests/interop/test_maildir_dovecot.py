"""MaildirMailstore and a real Dovecot share Maildirs: each reads what the other wrote.

The store writes into the fixture's ``home/<user>/Maildir`` (``subdir="Maildir"``), Dovecot
serves it over IMAP, and the other way round; the comparisons go through stdlib ``imaplib``
only. When the tests run as root, Dovecot's mail processes run as ``nobody``, so whatever
the store wrote is handed to that user before Dovecot reads it (:func:`give_to_dovecot`).
"""

from __future__ import annotations

import imaplib
import os
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from pymailproto.mailstore import MaildirMailstore
from pymailproto.mailstore._maildir_format import decode_mutf7
from tests.interop.conftest import DovecotServer
from tests.interop.dovecot import SPECIAL_USE, imap_utf7

USER, PASSWORD = "alice", "wonderland"
#: UID -> (flags, size, internal date as a timestamp)
Messages = dict[int, tuple[frozenset[str], int, float]]
CAFE = "Caf\u00e9"  # a non-ASCII name: ".Caf&AOk-" on disk, "Caf&AOk-" over IMAP
DATE = datetime(2023, 1, 2, 10, 0, tzinfo=timezone.utc)


def message(n: int) -> bytes:
    return (
        f"From: Sender <sender@example.test>\r\nTo: alice@example.test\r\n"
        f"Subject: message {n}\r\nDate: Mon, 02 Jan 2023 10:00:00 +0000\r\n\r\n"
        f"Body of message {n}.\r\n"
    ).encode()


def give_to_dovecot(dovecot: DovecotServer, path: Path) -> None:
    """Make everything under ``path`` belong to the user Dovecot reads mail as."""
    if os.geteuid() != 0:
        return  # Dovecot runs as us: it already owns what we wrote
    for directory, _, names in os.walk(path):
        os.chown(directory, dovecot.mail_uid, dovecot.mail_gid)
        for name in names:
            os.chown(os.path.join(directory, name), dovecot.mail_uid, dovecot.mail_gid)


@contextmanager
def session(dovecot: DovecotServer) -> Iterator[imaplib.IMAP4]:
    client = imaplib.IMAP4("127.0.0.1", dovecot.port)
    try:
        client.login(USER, PASSWORD)
        yield client
    finally:
        client.logout()


def ok(response: tuple[str, Sequence[object]]) -> list[bytes]:
    typ, data = response
    assert typ == "OK", data
    return [item for item in data if isinstance(item, bytes)]


def listed(lines: list[bytes]) -> dict[str, set[str]]:
    """LIST/LSUB lines -> {decoded name: attributes}."""
    result = {}
    for line in lines:
        found = re.fullmatch(rb'\(([^)]*)\) "/" (.+)', line)
        assert found is not None, line
        name = found.group(2).decode("ascii").strip('"')
        result[decode_mutf7(name)] = set(found.group(1).decode().split())
    return result


def mailbox_state(client: imaplib.IMAP4, name: str) -> tuple[int, int, Messages, set[str]]:
    """UIDVALIDITY, UIDNEXT, {UID: (flags, size, internal date)} and the FLAGS keywords."""
    ok(client.select(f'"{imap_utf7(name)}"', readonly=True))
    [validity] = client.response("UIDVALIDITY")[1]
    [uidnext] = client.response("UIDNEXT")[1]
    [flags_line] = client.response("FLAGS")[1]
    assert isinstance(validity, bytes)
    assert isinstance(uidnext, bytes)
    assert isinstance(flags_line, bytes)
    keywords = {flag for flag in flags_line.decode().strip("()").split() if "\\" not in flag}
    messages: Messages = {}
    typ, fetched = client.uid("FETCH", "1:*", "(FLAGS RFC822.SIZE INTERNALDATE)")
    assert typ == "OK"
    for item in fetched:
        if not isinstance(item, bytes):
            continue  # "* 0 EXISTS" mailboxes answer with None
        parts = re.search(rb"UID (\d+)", item)
        flags = re.search(rb"FLAGS \(([^)]*)\)", item)
        size = re.search(rb"RFC822\.SIZE (\d+)", item)
        date = imaplib.Internaldate2tuple(item)
        assert parts is not None, item
        assert flags is not None, item
        assert size is not None, item
        assert date is not None, item
        found = frozenset(flags.group(1).decode().split()) - {"\\Recent"}
        messages[int(parts.group(1))] = (found, int(size.group(1)), time.mktime(date))
    return int(validity), int(uidnext), messages, keywords


def bodies(client: imaplib.IMAP4) -> dict[int, bytes]:
    """UID -> BODY[] of every message of the selected mailbox."""
    typ, fetched = client.uid("FETCH", "1:*", "(BODY.PEEK[])")
    assert typ == "OK"
    result = {}
    for item in fetched:
        if isinstance(item, tuple):
            uid = re.search(rb"UID (\d+)", item[0])
            assert uid is not None
            result[int(uid.group(1))] = item[1]
    return result


def store_state(store: MaildirMailstore, name: str) -> tuple[int, int, Messages, set[str]]:
    """What our store says about a mailbox, in the shape of :func:`mailbox_state`."""
    snapshot = store.account(USER).mailbox(name).snapshot()
    messages: Messages = {
        info.uid: (info.flags, info.size, info.internal_date.timestamp())
        for info in snapshot.messages
    }
    return snapshot.uidvalidity, snapshot.uidnext, messages, set(snapshot.keywords)


# --- ours, read by Dovecot --------------------------------------------------------------------


def test_dovecot_reads_a_maildir_this_store_wrote(dovecot: DovecotServer) -> None:
    store = MaildirMailstore(dovecot.root / "home", subdir="Maildir")
    account = store.account(USER)
    inbox = account.mailbox("INBOX")
    inbox.append(message(1), ["\\Seen", "$Forwarded"], DATE)
    inbox.append(message(2))  # internal date: now
    inbox.append(message(3), ["\\Flagged", "\\Answered", "\\Draft", "Junk"], DATE)
    inbox.store_flags([2], "add", ["\\Deleted", "$Label1"])
    inbox.append(message(4))
    inbox.store_flags([4], "add", ["\\Deleted"])
    inbox.expunge([4])  # UIDNEXT stays above the expunged UID
    account.create(f"{CAFE}/Sub")
    account.create("Work")
    cafe, work = account.mailbox(f"{CAFE}/Sub"), account.mailbox("Work")
    cafe.append(message(5), ["\\Seen"], DATE)
    inbox.copy([1, 3], work)
    for name in (f"{CAFE}/Sub", "Work", "INBOX"):
        account.subscribe(name)
    expected = {name: store_state(store, name) for name in ("INBOX", f"{CAFE}/Sub", CAFE, "Work")}
    give_to_dovecot(dovecot, dovecot.maildir_root(USER))

    with session(dovecot) as client:
        names = listed(ok(client.list()))
        assert {"INBOX", CAFE, f"{CAFE}/Sub", "Work"} | set(SPECIAL_USE) == set(names)
        assert "\\HasChildren" in names[CAFE]
        subscribed = set(listed(ok(client.lsub())))
        assert subscribed - set(SPECIAL_USE) == {"INBOX", f"{CAFE}/Sub", "Work"}
        for name, ours in expected.items():
            assert mailbox_state(client, name) == ours, name  # UIDs, flags, sizes, dates
        assert expected["INBOX"][1] == 5
        assert sorted(expected["INBOX"][2]) == [1, 2, 3]
        assert expected["INBOX"][3] == {"$Forwarded", "Junk", "$Label1"}
        ok(client.select("INBOX", readonly=True))
        assert bodies(client) == {uid: inbox.read(uid) for uid in (1, 2, 3)}


# --- Dovecot's, served by ours ----------------------------------------------------------------


def test_this_store_serves_a_maildir_dovecot_wrote(dovecot: DovecotServer) -> None:
    with session(dovecot) as client:
        ok(client.create(f'"{imap_utf7(CAFE)}/Sub"'))
        ok(client.create("Work"))
        ok(client.subscribe(f'"{imap_utf7(CAFE)}/Sub"'))
        ok(client.subscribe("Work"))
        when = imaplib.Time2Internaldate(DATE.timestamp())
        ok(client.append("INBOX", "(\\Seen $Forwarded Junk)", when, message(1)))
        ok(client.append("INBOX", "", when, message(2)))
        ok(client.append("INBOX", "(\\Flagged \\Draft)", when, message(3)))
        ok(client.append(f'"{imap_utf7(CAFE)}/Sub"', "(\\Answered)", when, message(4)))
        ok(client.select("INBOX"))
        ok(client.uid("STORE", "2", "+FLAGS", "(\\Deleted $Label1)"))
        ok(client.expunge())
        ok(client.uid("STORE", "3", "+FLAGS", "(\\Seen)"))
        theirs = {name: mailbox_state(client, name) for name in ("INBOX", f"{CAFE}/Sub", "Work")}
        subscribed = set(listed(ok(client.lsub()))) - set(SPECIAL_USE)
        ok(client.select("INBOX", readonly=True))
        inbox_bodies = bodies(client)
    assert sorted(theirs["INBOX"][2]) == [1, 3]  # non-contiguous UIDs

    store = MaildirMailstore(dovecot.root / "home", subdir="Maildir")
    account = store.account(USER)
    names = {info.name: info for info in account.mailboxes()}
    assert set(names) == {"INBOX", CAFE, f"{CAFE}/Sub", "Work"}  # the rest exist only virtually
    assert not names[CAFE].selectable  # Dovecot created no ".Caf&AOk-": a level, \Noselect
    assert set(account.subscriptions()) == subscribed == {f"{CAFE}/Sub", "Work"}
    for name, state in theirs.items():
        assert store_state(store, name) == state, name
    inbox = account.mailbox("INBOX")
    # Dovecot stored LF line ends (and W=<vsize> in the names): served as CRLF, as it does.
    assert {uid: inbox.read(uid) for uid in inbox.snapshot().uids} == inbox_bodies
    assert inbox_bodies[1] == message(1)


def test_both_at_once_agree_on_new_uids(dovecot: DovecotServer) -> None:
    """Changes by one show up in the other with the same UIDs, while both run."""
    with session(dovecot) as client:
        ok(client.append("INBOX", "(\\Seen)", None, message(1)))
    store = MaildirMailstore(dovecot.root / "home", subdir="Maildir")
    inbox = store.account(USER).mailbox("INBOX")
    assert inbox.snapshot().uids == (1,)
    uid = inbox.append(message(2), ["\\Flagged", "$Work"])
    assert uid == 2
    give_to_dovecot(dovecot, dovecot.maildir_root(USER))
    with session(dovecot) as client:
        state = mailbox_state(client, "INBOX")
        assert state[2][2][0] == frozenset({"\\Flagged", "$Work"})
        ok(client.select("INBOX"))
        ok(client.uid("STORE", "2", "+FLAGS", "(\\Answered)"))
        ok(client.append("INBOX", "", None, message(3)))
    assert inbox.get(2).flags == {"\\Flagged", "\\Answered", "$Work"}
    assert inbox.snapshot().uids == (1, 2, 3)
    assert inbox.read(3) == message(3)
