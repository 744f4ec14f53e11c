"""The IMAP server session over a MemoryMailstore, driven sans I/O: client lines in, the
server's exact answers out."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from pymailproto._io import IO, Poll
from pymailproto.auth import StaticAuthenticator
from pymailproto.imap import ServerConnection
from pymailproto.mailstore import MemoryMailstore
from pymailproto.servers._imap_session import IMAPSession, IMAPSessionOptions

USERS = {"alice": "secret", "jösé": "pässwörd"}


def _clock() -> dt.datetime:
    return dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.timezone.utc)


class Harness:
    """One session; :meth:`say` feeds client octets and returns what the server answered."""

    def __init__(self, *, store: MemoryMailstore | None = None, **options: object) -> None:
        self.store = store or MemoryMailstore()
        self.conn = ServerConnection()
        defaults: dict[str, object] = {"allow_plaintext_auth": True, "clock": _clock}
        opts = IMAPSessionOptions(**{**defaults, **options})  # type: ignore[arg-type]
        self.session = IMAPSession(self.conn, self.store, StaticAuthenticator(USERS), opts)
        self.steps = self.session.run()
        self.step: IO | Poll | None = None
        self.done = False
        self.greeting = self._advance()

    def _advance(self) -> str:
        """Run until the session wants input; return what it wrote meanwhile."""
        out = b""
        try:
            step = next(self.steps) if self.step is None else self.steps.send(None)
            while True:
                out += self.conn.data_to_send()
                if step is IO.RECEIVE or isinstance(step, Poll):
                    self.step = step
                    break
                step = self.steps.send(None)
        except StopIteration:
            self.done = True
        out += self.conn.data_to_send()
        return out.decode("utf-8")

    def tick(self) -> str:
        """A poll (IDLE) that times out with nothing from the client."""
        assert isinstance(self.step, Poll)
        self.step.timed_out = True
        return self._advance()

    def say(self, data: str | bytes) -> str:
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.conn.receive_data(data)
        return self._advance()

    def login(self) -> None:
        assert "a0 OK" in self.say("a0 LOGIN alice secret\r\n")


@pytest.fixture
def h() -> Harness:
    return Harness()


def lines(text: str) -> list[str]:
    return text.splitlines()


def test_greeting_and_capabilities(h: Harness) -> None:
    assert h.greeting.startswith("* OK [CAPABILITY IMAP4rev1 AUTH=")
    assert "IDLE" in h.greeting
    assert "STARTTLS" not in h.greeting  # no starttls_context: not offered
    out = h.say("a1 CAPABILITY\r\n")
    assert lines(out)[-1] == "a1 OK CAPABILITY completed"


def test_logindisabled_without_tls() -> None:
    h = Harness(allow_plaintext_auth=False, starttls=True)
    assert "LOGINDISABLED" in h.greeting
    assert "STARTTLS" in h.greeting
    assert "AUTH=" not in h.greeting
    out = h.say("a1 LOGIN alice secret\r\n")
    assert out == "a1 NO [PRIVACYREQUIRED] use STARTTLS first\r\n"


def test_login_failures_end_with_bye(h: Harness) -> None:
    for tag in ("a1", "a2"):
        assert h.say(f"{tag} LOGIN alice wrong\r\n") == (
            f"{tag} NO [AUTHENTICATIONFAILED] authentication failed\r\n"
        )
    out = h.say("a3 LOGIN alice wrong\r\n")
    assert lines(out)[-1] == "* BYE too many failed logins"
    assert h.done


def test_authenticate_plain_with_utf8_credentials(h: Harness) -> None:
    token = base64.b64encode("\0jösé\0pässwörd".encode()).decode()
    out = h.say(f"a1 AUTHENTICATE PLAIN {token}\r\n")
    assert lines(out)[0].startswith("a1 OK [CAPABILITY IMAP4rev1 LITERAL- ")
    assert lines(out)[0].endswith(" QUOTA] logged in")  # no STARTTLS, no AUTH= any more
    assert h.session.user == "jösé"


def test_authenticate_with_a_challenge(h: Harness) -> None:
    assert h.say("a1 AUTHENTICATE PLAIN\r\n") == "+ \r\n"
    out = h.say(base64.b64encode(b"\0alice\0secret").decode() + "\r\n")
    assert lines(out)[0].startswith("a1 OK [CAPABILITY IMAP4rev1 LITERAL- ")
    assert lines(out)[0].endswith(" QUOTA] logged in")  # no STARTTLS, no AUTH= any more


def test_commands_in_the_wrong_state(h: Harness) -> None:
    out = h.say("a1 SELECT INBOX\r\n")
    assert out == "a1 BAD SELECT is not valid in the not authenticated state\r\n"
    h.login()
    out = h.say("a2 FETCH 1 FLAGS\r\n")
    assert out.startswith("a2 BAD FETCH is not valid in the authenticated state")


def test_mailbox_lifecycle_and_list(h: Harness) -> None:
    h.login()
    assert h.say("a1 CREATE Work/Projects\r\n") == "a1 OK CREATE completed\r\n"
    assert h.say("a2 CREATE Work\r\n").startswith("a2 NO [ALREADYEXISTS]")
    out = h.say('a3 LIST "" "*"\r\n')
    assert '* LIST (\\HasChildren) "/" "Work"' in out
    assert '* LIST (\\HasNoChildren) "/" "Work/Projects"' in out
    out = h.say('a4 LIST "" "%"\r\n')
    assert "Work/Projects" not in out
    # The client writes "Arbeit/Grüße" in modified UTF-7 (RFC 3501 §5.1.3).
    assert h.say("a5 RENAME Work Arbeit/Gr&APwA3w-e\r\n") == "a5 OK RENAME completed\r\n"
    assert "Arbeit/Grüße/Projects" in [i.name for i in h.store.account("alice").mailboxes()]
    out = h.say('a6 LIST "" "Arbeit/*"\r\n')
    assert "Arbeit/Gr&APwA3w-e/Projects" in out  # modified UTF-7 on the wire
    assert h.say("a7 SUBSCRIBE INBOX\r\n") == "a7 OK SUBSCRIBE completed\r\n"
    assert '"/" "INBOX"' in h.say('a8 LSUB "" "*"\r\n')
    assert h.say("a9 DELETE INBOX\r\n").startswith("a9 NO")


def test_append_select_store_expunge(h: Harness) -> None:
    h.login()
    message = "Subject: hi\r\n\r\nhello\r\n"
    assert (
        h.say(f"a1 APPEND INBOX (\\Seen) {{{len(message)}}}\r\n") == "+ Ready for literal data\r\n"
    )
    out = h.say(message + "\r\n")
    assert out.startswith("a1 OK [APPENDUID ")
    h.store.deliver("alice", "INBOX", b"Subject: two\r\n\r\nsecond\r\n")
    out = h.say("a2 SELECT INBOX\r\n")
    assert "* 2 EXISTS" in out
    assert "* OK [UIDNEXT 3]" in out
    assert lines(out)[-1] == "a2 OK [READ-WRITE] SELECT completed"
    out = h.say("a3 STORE 2 +FLAGS (\\Deleted)\r\n")
    assert lines(out) == ["* 2 FETCH (FLAGS (\\Deleted \\Recent))", "a3 OK STORE completed"]
    out = h.say("a4 EXPUNGE\r\n")
    assert lines(out) == ["* 2 EXPUNGE", "a4 OK EXPUNGE completed"]


def test_changes_by_other_sessions_are_announced(h: Harness) -> None:
    h.login()
    h.say("a1 SELECT INBOX\r\n")
    h.store.deliver("alice", "INBOX", b"Subject: new\r\n\r\nx\r\n")
    out = h.say("a2 NOOP\r\n")
    assert lines(out) == ["* 1 EXISTS", "a2 OK NOOP completed"]
    other = Harness(store=h.store)
    other.login()
    other.say("b1 SELECT INBOX\r\n")
    other.say("b2 STORE 1 +FLAGS (\\Flagged)\r\n")
    out = h.say("a3 NOOP\r\n")
    assert lines(out)[0] == "* 1 FETCH (FLAGS (\\Flagged))"


def test_idle_pushes_new_mail_then_done(h: Harness) -> None:
    h.login()
    h.say("a1 SELECT INBOX\r\n")
    assert h.say("a2 IDLE\r\n") == "+ idling\r\n"
    h.store.deliver("alice", "INBOX", b"Subject: pushed\r\n\r\nx\r\n")
    assert h.tick() == "* 1 EXISTS\r\n"
    assert h.say("DONE\r\n").endswith("a2 OK IDLE terminated\r\n")


def test_copy_and_move_report_copyuid(h: Harness) -> None:
    h.login()
    for subject in ("one", "two"):
        h.store.deliver("alice", "INBOX", f"Subject: {subject}\r\n\r\nx\r\n".encode())
    h.say("a0 CREATE Archive\r\n")
    h.say("a1 SELECT INBOX\r\n")
    out = h.say("a2 COPY 1 Archive\r\n")
    assert lines(out)[-1].startswith("a2 OK [COPYUID ")
    out = h.say("a3 UID MOVE 2 Archive\r\n")
    assert "* OK [COPYUID" in out
    assert "* 2 EXPUNGE" in out
    out = h.say("a4 COPY 1 Nope\r\n")
    assert out == "a4 NO [TRYCREATE] no such mailbox\r\n"


def test_status_and_quota(h: Harness) -> None:
    h.login()
    h.store.deliver("alice", "INBOX", b"Subject: s\r\n\r\nx\r\n", flags=["\\Seen"])
    out = h.say("a1 STATUS INBOX (MESSAGES UNSEEN UIDNEXT)\r\n")
    assert lines(out)[0] == '* STATUS "INBOX" (MESSAGES 1 UIDNEXT 2 UNSEEN 0)'
    out = h.say("a2 GETQUOTAROOT INBOX\r\n")
    assert '* QUOTAROOT INBOX ""' in out


def test_sort_is_refused_visibly_until_it_is_implemented(h: Harness) -> None:
    h.login()
    h.say("a1 SELECT INBOX\r\n")
    assert h.say("a2 SORT (DATE) UTF-8 ALL\r\n").startswith("a2 NO [CANNOT]")


def test_search_text_flags_dates_and_esearch(h: Harness) -> None:
    h.login()
    when = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.timezone.utc)
    h.store.deliver(
        "alice",
        "INBOX",
        b"From: Bob <bob@example.test>\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n"
        b"Date: Sun, 1 Nov 2026 08:00:00 +0000\r\n\r\nthe quick brown fox\r\n",
        internal_date=when,
    )
    h.store.deliver("alice", "INBOX", b"From: carol@example.test\r\nSubject: hi\r\n\r\nx\r\n")
    h.store.deliver("alice", "INBOX", b"Subject: seen\r\n\r\nfox\r\n", flags=["\\Seen"])
    h.say("a1 SELECT INBOX\r\n")
    assert lines(h.say("a2 SEARCH FROM bob\r\n")) == ["* SEARCH 1", "a2 OK SEARCH completed"]
    assert lines(h.say("a3 UID SEARCH BODY fox UNSEEN\r\n"))[0] == "* SEARCH 1"
    # RFC 9051 §6.4.4: CHARSET and a literal for non-ASCII criteria; RFC 2047 decoded.
    word = "Grüße".encode()
    h.say(b"a4 SEARCH CHARSET UTF-8 SUBJECT {%d}\r\n" % len(word))
    assert lines(h.say(word + b"\r\n"))[0] == "* SEARCH 1"
    assert lines(h.say("a5 SEARCH SENTON 1-Nov-2026\r\n"))[0] == "* SEARCH 1"
    assert lines(h.say("a6 SEARCH BEFORE 2-Nov-2026\r\n"))[0] == "* SEARCH 1"
    out = h.say("a7 SEARCH RETURN (MIN MAX COUNT) NOT SEEN\r\n")
    assert lines(out)[0] == '* ESEARCH (TAG "a7") MIN 1 MAX 2 COUNT 2'
    h.say("a8 SEARCH RETURN (SAVE) SEEN\r\n")
    assert lines(h.say("a9 SEARCH $\r\n"))[0] == "* SEARCH 3"
    assert h.say("b1 SEARCH CHARSET KOI9 ALL\r\n").startswith("b1 NO [BADCHARSET")


def test_fetch_sets_seen_and_streams_sections(h: Harness) -> None:
    h.login()
    h.store.deliver("alice", "INBOX", b"Subject: hi\r\nFrom: a@b.c\r\n\r\nhello\r\n")
    h.say("a1 SELECT INBOX\r\n")
    out = h.say("a2 FETCH 1 (FLAGS BODY[TEXT])\r\n")
    # RFC 9051 §6.4.5: BODY[...] sets \Seen; the FLAGS item reports the new flags.
    assert out == (
        "* 1 FETCH (FLAGS (\\Seen \\Recent) BODY[TEXT] {7}\r\nhello\r\n)\r\n"
        "a2 OK FETCH completed\r\n"
    )
    out = h.say("a3 UID FETCH 1 (ENVELOPE)\r\n")
    assert lines(out)[0] == (
        '* 1 FETCH (UID 1 ENVELOPE (NIL "hi" ((NIL NIL "a" "b.c")) ((NIL NIL "a" "b.c")) '
        '((NIL NIL "a" "b.c")) NIL NIL NIL NIL NIL))'
    )
    assert lines(out)[-1] == "a3 OK UID FETCH completed"


def test_logout(h: Harness) -> None:
    out = h.say("a1 LOGOUT\r\n")
    assert lines(out) == ["* BYE logging out", "a1 OK LOGOUT completed"]
    assert h.done


def test_a_big_append_streams_into_the_store(h: Harness) -> None:
    h.login()
    body = b"x" * (1024 * 1024)
    message = b"Subject: big\r\n\r\n" + body
    assert h.say(b"a1 APPEND INBOX {%d}\r\n" % len(message)) == "+ Ready for literal data\r\n"
    for i in range(0, len(message), 65536):
        assert h.say(message[i : i + 65536]) == ""
    out = h.say(b"\r\n")
    assert out.startswith("a1 OK [APPENDUID")
    inbox = h.store.account("alice").mailbox("INBOX")
    [info] = inbox.messages()
    assert inbox.read(info.uid) == message
