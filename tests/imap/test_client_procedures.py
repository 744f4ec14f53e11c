"""The IMAP client procedures over ClientConnection, as transcripts (whole, byte by byte, split).

Each test is a dialogue in the RFCs' C:/S: form; :func:`run_script` drives the procedure and
checks that the client wrote exactly the C: lines, in order, before each server flight.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator
from typing import Any

import pytest

from pymailproto._tlsmode import TLSMode
from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.imap import (
    ClientConnection,
    CommandFailed,
    ConnectionState,
    ExistsResponse,
    Flag,
    MissingCapability,
)
from pymailproto.imap import _procedures as proc
from pymailproto.imap import _procedures_mail as mail
from pymailproto.imap import search as s
from pymailproto.imap._codes import Code
from pymailproto.sasl import client_mechanism

from .client_script import SPLITS, greeted, make_connection, run_script

pytestmark = pytest.mark.parametrize("split", SPLITS)

#: What the scripted procedures are.
Steps = Generator[Any, None, Any]

LOGGED_IN = """
S: * OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR AUTH=PLAIN UIDPLUS MOVE IDLE ENABLE] hi
C: A1 LOGIN alice secret
S: A1 OK [CAPABILITY IMAP4rev1 LITERAL+ UIDPLUS MOVE IDLE ENABLE ESEARCH SORT QUOTA] in
"""

SELECTED = (
    LOGGED_IN
    + """
C: A2 SELECT INBOX
S: * 3 EXISTS
S: * 0 RECENT
S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)
S: * OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited
S: * OK [UIDVALIDITY 3857529045] UIDs valid
S: * OK [UIDNEXT 4392] Predicted next UID
S: A2 OK [READ-WRITE] SELECT completed
"""
)


def _login_select(conn: ClientConnection) -> Steps:
    yield from proc.open_session(conn, TLSMode.PLAINTEXT)
    yield from proc.login(conn, "alice", "secret", allow_plaintext=True)
    return (yield from mail.select(conn, "INBOX"))


# --- opening ------------------------------------------------------------------------------------


def test_greeting_capabilities_are_used_without_asking(split: str) -> None:
    run = run_script(
        greeted("IMAP4rev1 IDLE"), lambda c: proc.open_session(c, TLSMode.PLAINTEXT), split=split
    )
    assert "IDLE" in run.result
    assert run.sent == b""


def test_starttls_required_upgrades_then_asks_again(split: str) -> None:
    script = """
S: * OK ready
C: A1 CAPABILITY
S: * CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED
S: A1 OK done
C: A2 STARTTLS
S: A2 OK Begin TLS negotiation now
-- TLS --
C: A3 CAPABILITY
S: * CAPABILITY IMAP4rev1 AUTH=PLAIN
S: A3 OK done
"""
    conn = make_connection()
    run = run_script(
        script, lambda c: proc.open_session(c, TLSMode.STARTTLS), conn=conn, split=split
    )
    assert run.tls
    assert conn.tls_active
    assert "STARTTLS" not in run.result
    assert "AUTH=PLAIN" in run.result


def test_starttls_missing_is_an_error_not_a_downgrade(split: str) -> None:
    with pytest.raises(MissingCapability, match="STARTTLS"):
        run_script(
            greeted("IMAP4rev1 AUTH=PLAIN"),
            lambda c: proc.open_session(c, TLSMode.STARTTLS),
            split=split,
        )


def test_bye_greeting_is_refused(split: str) -> None:
    with pytest.raises(RemoteProtocolError, match="refused"):
        run_script("S: * BYE too busy", lambda c: proc.open_session(c, TLSMode.PLAINTEXT))


# --- authentication -----------------------------------------------------------------------------


def test_login_with_ascii_credentials_uses_login(split: str) -> None:
    conn = make_connection()

    def go(c: ClientConnection) -> Steps:
        yield from proc.open_session(c, TLSMode.PLAINTEXT)
        return (yield from proc.login(c, "alice", "secret", allow_plaintext=True))

    run = run_script(LOGGED_IN, go, conn=conn, split=split)
    assert conn.state is ConnectionState.AUTHENTICATED
    assert "QUOTA" in run.result
    assert not conn.capabilities_stale


def test_login_refuses_plaintext_unless_allowed(split: str) -> None:
    def go(c: ClientConnection) -> Steps:
        yield from proc.open_session(c, TLSMode.PLAINTEXT)
        return (yield from proc.login(c, "alice", "secret"))

    with pytest.raises(LocalProtocolError, match="unencrypted"):
        run_script(greeted(), go, split=split)


def test_non_ascii_credentials_go_through_authenticate_plain_with_sasl_ir(split: str) -> None:
    # RFC 6855 §5: LOGIN carries no UTF-8. PLAIN (RFC 4616) does; SASL-IR puts it inline.
    script = """
S: * OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] ready
C: A1 AUTHENTICATE PLAIN AGrDtnPDqQBww6Rzc3fDtnJk
S: A1 OK [CAPABILITY IMAP4rev1 IDLE] welcome
"""

    def go(c: ClientConnection) -> Steps:
        yield from proc.open_session(c, TLSMode.PLAINTEXT)
        return (yield from proc.login(c, "jösé", "pässwörd", allow_plaintext=True))

    run = run_script(script, go, split=split)
    assert "IDLE" in run.result


def test_authenticate_without_sasl_ir_waits_for_the_empty_challenge(split: str) -> None:
    script = """
S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN LOGINDISABLED] ready
C: A1 AUTHENTICATE PLAIN
S: +
C: AGFsaWNlAHNlY3JldA==
S: A1 OK done
C: A2 CAPABILITY
S: * CAPABILITY IMAP4rev1 IDLE
S: A2 OK done
"""

    def go(c: ClientConnection) -> Steps:
        yield from proc.open_session(c, TLSMode.PLAINTEXT)
        return (yield from proc.login(c, "alice", "secret", allow_plaintext=True))

    run = run_script(script, go, split=split)
    assert "IDLE" in run.result


def test_failed_authentication_raises_with_the_code(split: str) -> None:
    script = """
S: * OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] ready
C: A1 AUTHENTICATE PLAIN AGFsaWNlAHdyb25n
S: A1 NO [AUTHENTICATIONFAILED] Authentication failed.
"""

    def go(c: ClientConnection) -> Steps:
        yield from proc.open_session(c, TLSMode.PLAINTEXT)
        mech = client_mechanism("PLAIN", "alice", "wrong")
        return (yield from proc.authenticate(c, mech, allow_plaintext=True))

    with pytest.raises(CommandFailed) as info:
        run_script(script, go, split=split)
    assert info.value.code is Code.AUTHENTICATIONFAILED


def test_cram_md5_answers_the_challenge(split: str) -> None:
    # RFC 2195 §2's example, in IMAP form.
    script = """
S: * OK [CAPABILITY IMAP4rev1 AUTH=CRAM-MD5] ready
C: A1 AUTHENTICATE CRAM-MD5
S: + PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+
C: dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw
S: A1 OK done
C: A2 CAPABILITY
S: * CAPABILITY IMAP4rev1
S: A2 OK done
"""

    def go(c: ClientConnection) -> Steps:
        yield from proc.open_session(c, TLSMode.PLAINTEXT)
        mech = client_mechanism("CRAM-MD5", "tim", "tanstaaftanstaaf")
        return (yield from proc.authenticate(c, mech, allow_plaintext=True))

    run_script(script, go, split=split)


# --- mailboxes and messages ---------------------------------------------------------------------


def test_select_reports_the_mailbox(split: str) -> None:
    conn = make_connection()
    run = run_script(SELECTED, _login_select, conn=conn, split=split)
    snap = run.result
    assert (snap.exists, snap.recent, snap.uidvalidity, snap.uidnext) == (3, 0, 3857529045, 4392)
    assert Flag.SEEN in snap.flags
    assert not snap.read_only
    assert conn.state is ConnectionState.SELECTED


def test_failed_select_leaves_the_authenticated_state(split: str) -> None:
    script = (
        SELECTED
        + """
C: A3 SELECT Nope
S: A3 NO [NONEXISTENT] no such mailbox
"""
    )
    conn = make_connection()

    def go(c: ClientConnection) -> Steps:
        yield from _login_select(c)
        return (yield from mail.select(c, "Nope"))

    with pytest.raises(CommandFailed):
        run_script(script, go, conn=conn, split=split)
    # RFC 9051 §6.3.2: "NO - select failure, now in authenticated state".
    assert conn.state is ConnectionState.AUTHENTICATED
    assert conn.selected is None


def test_fetch_keeps_unsolicited_responses_out_of_the_result(split: str) -> None:
    script = (
        SELECTED
        + """
C: A3 UID FETCH 4390:4391 (FLAGS RFC822.SIZE)
S: * 1 FETCH (UID 4390 FLAGS (\\Seen) RFC822.SIZE 120)
S: * 4 EXISTS
S: * 3 FETCH (UID 4392 FLAGS (\\Deleted))
S: * 2 FETCH (UID 4391 FLAGS () RFC822.SIZE 4000)
S: A3 OK done
"""
    )
    conn = make_connection()

    def go(c: ClientConnection) -> Steps:
        yield from _login_select(c)
        return (yield from mail.fetch(c, "4390:4391", ["FLAGS", "RFC822.SIZE"], uid=True))

    run = run_script(script, go, conn=conn, split=split)
    assert set(run.result) == {4390, 4391}
    assert run.result[4391]["RFC822.SIZE"] == 4000
    assert run.result[4390]["FLAGS"] == (Flag.SEEN,)
    unsolicited = list(conn.unsolicited)
    assert any(isinstance(r, ExistsResponse) and r.count == 4 for r in unsolicited)
    assert conn.selected is not None
    assert conn.selected.exists == 4
    assert conn.selected.uid(3) == 4392


def test_append_waits_for_the_continuation_without_literal_plus(split: str) -> None:
    message = b"Subject: hi\r\n\r\nbody\r\n"
    script = f"""
S: * OK [CAPABILITY IMAP4rev1 UIDPLUS] ready
C: A1 LOGIN alice secret
S: A1 OK [CAPABILITY IMAP4rev1 UIDPLUS] in
C: A2 APPEND Drafts (\\Draft) {{{len(message)}}}
S: + Ready for literal data
C: Subject: hi
C:
C: body
C:
S: A2 OK [APPENDUID 38505 3955] APPEND completed
"""

    def go(c: ClientConnection) -> Steps:
        yield from proc.open_session(c, TLSMode.PLAINTEXT)
        yield from proc.login(c, "alice", "secret", allow_plaintext=True)
        return (yield from mail.append(c, "Drafts", [(message, [Flag.DRAFT], None)]))

    run = run_script(script, go, split=split)
    assert (run.result.uidvalidity, run.result.uids) == (38505, (3955,))


def test_append_refused_before_the_literal_sends_no_octets(split: str) -> None:
    message = b"x" * 10
    script = """
S: * OK [CAPABILITY IMAP4rev1] ready
C: A1 LOGIN alice secret
S: A1 OK in
C: A2 CAPABILITY
S: * CAPABILITY IMAP4rev1
S: A2 OK done
C: A3 APPEND Nope {10}
S: A3 NO [TRYCREATE] no such mailbox
C: A4 NOOP
S: A4 OK done
"""

    def go(c: ClientConnection) -> Steps:
        yield from proc.open_session(c, TLSMode.PLAINTEXT)
        yield from proc.login(c, "alice", "secret", allow_plaintext=True)
        with pytest.raises(CommandFailed) as info:
            yield from mail.append(c, "Nope", [(message, None, None)])
        assert info.value.code is Code.TRYCREATE
        return (yield from proc.noop(c))

    run_script(script, go, split=split)


def test_append_with_literal_plus_does_not_wait(split: str) -> None:
    when = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone.utc)
    script = """
S: * OK [CAPABILITY IMAP4rev1 LITERAL+] ready
C: A1 LOGIN alice secret
S: A1 OK [CAPABILITY IMAP4rev1 LITERAL+] in
C: A2 APPEND INBOX " 1-May-2024 12:00:00 +0000" {4+}
C: abcd
S: A2 OK done
"""

    def go(c: ClientConnection) -> Steps:
        yield from proc.open_session(c, TLSMode.PLAINTEXT)
        yield from proc.login(c, "alice", "secret", allow_plaintext=True)
        return (yield from mail.append(c, "INBOX", [(b"abcd", None, when)]))

    run = run_script(script, go, split=split)
    assert run.result.uids == ()


def test_search_with_non_ascii_criteria_sends_charset_utf8(split: str) -> None:
    script = (
        SELECTED
        + """
C: A3 UID SEARCH CHARSET UTF-8 SUBJECT {6+}
C: Grüße
S: * SEARCH 4391 4390
S: A3 OK done
"""
    )

    def go(c: ClientConnection) -> Steps:
        yield from _login_select(c)
        return (yield from mail.search(c, s.Subject("Grüße"), uid=True))

    run = run_script(script.replace("{6+}", f"{{{len('Grüße'.encode())}+}}"), go, split=split)
    assert run.result == [4390, 4391]


def test_expunge_renumbers_and_reports(split: str) -> None:
    script = (
        SELECTED
        + """
C: A3 EXPUNGE
S: * 2 EXPUNGE
S: * 2 EXPUNGE
S: A3 OK done
"""
    )
    conn = make_connection()

    def go(c: ClientConnection) -> Steps:
        yield from _login_select(c)
        return (yield from mail.expunge(c))

    run = run_script(script, go, conn=conn, split=split)
    assert run.result == [2, 2]
    assert conn.selected is not None
    assert conn.selected.exists == 1


def test_move_falls_back_to_copy_store_expunge(split: str) -> None:
    script = """
S: * OK [CAPABILITY IMAP4rev1 UIDPLUS] ready
C: A1 LOGIN alice secret
S: A1 OK [CAPABILITY IMAP4rev1 UIDPLUS] in
C: A2 SELECT INBOX
S: * 2 EXISTS
S: * OK [UIDVALIDITY 7] ok
S: A2 OK [READ-WRITE] done
C: A3 UID COPY 5 Archive
S: A3 OK [COPYUID 9 5 100] done
C: A4 UID STORE 5 +FLAGS.SILENT (\\Deleted)
S: A4 OK done
C: A5 UID EXPUNGE 5
S: * 2 EXPUNGE
S: A5 OK done
"""

    def go(c: ClientConnection) -> Steps:
        yield from proc.open_session(c, TLSMode.PLAINTEXT)
        yield from proc.login(c, "alice", "secret", allow_plaintext=True)
        yield from mail.select(c, "INBOX")
        return (yield from mail.move(c, 5, "Archive", uid=True))

    run = run_script(script, go, split=split)
    assert run.result is not None
    assert run.result.uidvalidity == 9


def test_move_by_message_number_learns_the_uids_first(split: str) -> None:
    script = """
S: * OK [CAPABILITY IMAP4rev1 UIDPLUS] ready
C: A1 LOGIN alice secret
S: A1 OK [CAPABILITY IMAP4rev1 UIDPLUS] in
C: A2 SELECT INBOX
S: * 2 EXISTS
S: A2 OK [READ-WRITE] done
C: A3 FETCH 2 UID
S: * 2 FETCH (UID 41)
S: A3 OK done
C: A4 UID COPY 41 Archive
S: A4 OK [COPYUID 9 41 100] done
C: A5 UID STORE 41 +FLAGS.SILENT (\\Deleted)
S: A5 OK done
C: A6 UID EXPUNGE 41
S: * 2 EXPUNGE
S: A6 OK done
"""

    def go(c: ClientConnection) -> Steps:
        yield from proc.open_session(c, TLSMode.PLAINTEXT)
        yield from proc.login(c, "alice", "secret", allow_plaintext=True)
        yield from mail.select(c, "INBOX")
        return (yield from mail.move(c, 2, "Archive"))

    run = run_script(script, go, split=split)
    assert run.result is not None
    assert list(run.result.destination.ids()) == [100]


def test_move_without_move_or_uidplus_is_refused(split: str) -> None:
    def go(c: ClientConnection) -> Steps:
        yield from _login_select(c)
        c.capabilities = type(c.capabilities)(["IMAP4rev1"])
        return (yield from mail.move(c, 1, "Archive"))

    with pytest.raises(MissingCapability, match="UIDPLUS"):
        run_script(SELECTED.replace(" UIDPLUS MOVE", ""), go, split=split)


def test_sort_and_status_take_names(split: str) -> None:
    script = (
        SELECTED
        + """
C: A3 SORT (REVERSE DATE SUBJECT) UTF-8 ALL
S: * SORT 3 1 2
S: A3 OK done
C: A4 STATUS Archive (MESSAGES UNSEEN)
S: * STATUS Archive (MESSAGES 4 UNSEEN 1)
S: A4 OK done
"""
    )

    def go(c: ClientConnection) -> Steps:
        yield from _login_select(c)
        order = yield from mail.sort(c, "REVERSE DATE SUBJECT", "ALL")
        counts = yield from mail.status(c, "Archive", ["messages", "UNSEEN"])
        return order, counts

    run = run_script(script, go, split=split)
    order, counts = run.result
    assert order == [3, 1, 2]
    assert (counts.messages, counts.unseen) == (4, 1)


def test_utf8_accept_sends_and_reads_mailbox_names_in_utf8(split: str) -> None:
    # RFC 6855 §3: after ENABLE UTF8=ACCEPT, mailbox names are UTF-8 quoted strings, not
    # modified UTF-7, both ways.
    script = """
S: * OK [CAPABILITY IMAP4rev1 ENABLE UTF8=ACCEPT] ready
C: A1 LOGIN alice secret
S: A1 OK [CAPABILITY IMAP4rev1 ENABLE UTF8=ACCEPT] in
C: A2 ENABLE UTF8=ACCEPT
S: * ENABLED UTF8=ACCEPT
S: A2 OK enabled
C: A3 CREATE "Grüße"
S: A3 OK created
C: A4 LIST "" "*"
S: * LIST () "/" "Grüße"
S: * LIST () "/" INBOX
S: A4 OK done
"""

    def go(c: ClientConnection) -> Steps:
        yield from proc.open_session(c, TLSMode.PLAINTEXT)
        yield from proc.login(c, "alice", "secret", allow_plaintext=True)
        enabled = yield from proc.enable(c, ["UTF8=ACCEPT"])
        yield from mail.simple(c, "CREATE", "Grüße")
        entries = yield from mail.list_mailboxes(c, "", "*")
        return enabled, [e.name for e in entries]

    conn = make_connection()
    run = run_script(script, go, conn=conn, split=split)
    assert run.result == (frozenset({"UTF8=ACCEPT"}), ["Grüße", "INBOX"])
    assert conn.utf8


# --- IDLE ---------------------------------------------------------------------------------------


def test_idle_yields_pushes_and_ends_with_done(split: str) -> None:
    script = (
        SELECTED
        + """
C: A3 IDLE
S: + idling
S: * 4 EXISTS
C: DONE
S: A3 OK IDLE terminated
"""
    )
    control = proc.IdleControl()

    def go(c: ClientConnection) -> Steps:
        yield from _login_select(c)
        yield from proc.idle(c, control)

    def on_item(item: object) -> None:
        control.stop()

    run = run_script(script, go, split=split, on_item=on_item)
    assert [type(i) for i in run.items] == [ExistsResponse]


def test_idle_is_renewed_before_the_server_timeout(split: str) -> None:
    script = (
        SELECTED
        + """
C: A3 IDLE
S: + idling
C: DONE
S: A3 OK IDLE terminated
C: A4 IDLE
S: + idling
C: DONE
S: A4 OK IDLE terminated
"""
    )
    # Both IDLEs time out (the script has nothing to say): the first is renewed after
    # renew_after seconds, the second ends at the overall timeout.
    control = proc.IdleControl(timeout=1500.0, renew_after=1000.0)

    def go(c: ClientConnection) -> Steps:
        yield from _login_select(c)
        yield from proc.idle(c, control)

    run = run_script(script, go, split=split)
    assert run.items == []


def test_bye_during_idle_ends_it(split: str) -> None:
    script = (
        SELECTED
        + """
C: A3 IDLE
S: + idling
S: * BYE shutting down
"""
    )
    conn = make_connection()

    def go(c: ClientConnection) -> Steps:
        yield from _login_select(c)
        yield from proc.idle(c, proc.IdleControl())

    script_run = run_script(script + "\n", go, conn=conn, split=split, eof=True)
    assert conn.bye is not None
    assert script_run.items
    assert conn.state is ConnectionState.LOGOUT
