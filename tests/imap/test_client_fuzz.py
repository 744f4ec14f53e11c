"""ClientConnection under arbitrary server bytes: events or RemoteProtocolError, nothing else."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from pymailproto.errors import LocalProtocolError, RemoteProtocolError
from pymailproto.imap import (
    NEED_DATA,
    AppendCommand,
    AppendMessage,
    ClientConnection,
    ConnectionClosed,
    FetchAttribute,
    FetchCommand,
    IdleCommand,
    LoginCommand,
    NoopCommand,
    PendingCommand,
    SelectCommand,
)

# Pieces a server might send, good and bad, glued at random.
_PIECES = st.sampled_from(
    [
        b"* OK hi\r\n",
        b"* PREAUTH hi\r\n",
        b"* BYE bye\r\n",
        b"+ go\r\n",
        b"+ idling\r\n",
        b"A1 OK done\r\n",
        b"A2 OK [READ-WRITE] done\r\n",
        b"A3 NO [TRYCREATE] no\r\n",
        b"A4 BAD what\r\n",
        b"A9 OK stray\r\n",
        b"* 3 EXISTS\r\n",
        b"* 2 EXPUNGE\r\n",
        b"* 1 FETCH (UID 5 FLAGS (\\Seen))\r\n",
        b"* 2 FETCH (UID 4 FLAGS ())\r\n",
        b"* 1 FETCH (BODY[] {5}\r\nhello)\r\n",
        b"* VANISHED (EARLIER) 1:3\r\n",
        b"* VANISHED 5\r\n",
        b"* OK [UIDVALIDITY 7] x\r\n",
        b"* OK [CLOSED] x\r\n",
        b"* CAPABILITY IMAP4rev2 IDLE\r\n",
        b"* ENABLED UTF8=ACCEPT\r\n",
        b"garbage\r\n",
        b"\x00\xff\r\n",
        b"{99999999999}\r\n",
        b"* 1 FETCH (BODY[] {3}\r\nab",
        b"",
    ]
)


def _commands(conn: ClientConnection) -> list[PendingCommand]:
    """Send a few commands; those the state allows are returned."""
    sends: list[Callable[[], PendingCommand]] = [
        lambda: conn.send(LoginCommand(conn.next_tag(), "a", "b")),
        lambda: conn.send(SelectCommand(conn.next_tag(), "INBOX")),
        lambda: conn.send(AppendCommand(conn.next_tag(), "INBOX", AppendMessage(b"abc"))),
        lambda: conn.send(FetchCommand(conn.next_tag(), "1:*", FetchAttribute.UID, uid=True)),
        lambda: conn.send(IdleCommand(conn.next_tag())),
        lambda: conn.send(NoopCommand(conn.next_tag())),
    ]
    sent = []
    for send in sends:
        # Not allowed in the projected state (or during IDLE): refused, nothing sent.
        with contextlib.suppress(LocalProtocolError):
            sent.append(send())
    return sent


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=25), st.integers(1, 50), st.booleans())
def test_arbitrary_server_bytes_give_events_or_a_remote_error(
    pieces: list[bytes], step: int, close: bool
) -> None:
    conn = ClientConnection(clock=lambda: 0.0)
    data = b"* OK [CAPABILITY IMAP4rev1] hi\r\n" + b"".join(pieces)
    sent: list[PendingCommand] = []
    fed = False
    try:
        for i in range(0, len(data), step):
            conn.receive_data(data[i : i + step])
            while (event := conn.next_event()) is not NEED_DATA:
                if not fed:
                    sent = _commands(conn)
                    fed = True
                if isinstance(event, ConnectionClosed):
                    break
                conn.data_to_send()
        if close:
            conn.receive_data(b"")
            assert isinstance(conn.next_event(), ConnectionClosed)
            # Closed: every command is over, answered or failed -- none waits forever.
            assert all(pending.done for pending in sent)
    except RemoteProtocolError:
        pass
