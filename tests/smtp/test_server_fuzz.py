"""Fuzzing the server: any bytes, in any pieces, give events or RemoteProtocolError -- nothing else.

One promise per property (h11's fuzz harness is the model):

* no exception other than RemoteProtocolError escapes, and the event loop always ends;
* the receive buffer stays within the largest line limit (AUTH's, or MAIL's with what the
  advertised extensions add to it) plus the piece just fed;
* the same bytes give the same events whether fed whole or in pieces.

The client-versus-server state machine is fuzzed elsewhere (a RuleBasedStateMachine).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pymailproto._limits import SMTPLimits
from pymailproto.smtp import (
    ConnectionClosed,
    Event,
    MessageChunk,
    Reply,
    ServerConnection,
    StartTLS,
    State,
)
from tests.smtp.test_server import Refused, auto_answer, drive, merge_chunks, names

# Pieces of a plausible conversation, to get deep into the state machine quickly.
COMMANDS = [
    b"EHLO client.test\r\n",
    b"HELO client.test\r\n",
    b"LHLO client.test\r\n",
    b"MAIL FROM:<a@client.test>\r\n",
    b"MAIL FROM:<> SIZE=100 BODY=8BITMIME\r\n",
    b"MAIL FROM:<a@client.test> BODY=BINARYMIME\r\n",
    "MAIL FROM:<jörg@client.test> SMTPUTF8\r\n".encode(),
    b"RCPT TO:<b@mx.test>\r\n",
    b"RCPT TO:<c@mx.test> NOTIFY=SUCCESS,FAILURE\r\n",
    b"DATA\r\n",
    b"BDAT 5\r\n12345",
    b"BDAT 3 LAST\r\n\r\n.",
    b"BDAT 0 LAST\r\n",
    b"RSET\r\n",
    b"NOOP\r\n",
    b"VRFY bob\r\n",
    b"HELP\r\n",
    b"STARTTLS\r\n",
    b"AUTH PLAIN\r\n",
    b"AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n",
    b"AUTH LOGIN\r\n",
    b"*\r\n",
    b"YWxpY2U=\r\n",
    b"QUIT\r\n",
]
CONTENT = [b".\r\n", b"..\r\n", b".x\r\n", b"line\r\n", b"\r\n", b"\r", b"\n", b"\x00", b".", b" "]
GARBAGE = st.binary(max_size=40) | st.sampled_from([b"\xff\xfe", b"x" * 600, b"MAIL FROM:<x"])
LINES = st.lists(st.sampled_from(CONTENT) | st.binary(max_size=30), max_size=8).map(b"".join)


@st.composite
def transactions(draw: st.DrawFn) -> bytes:
    """MAIL, some RCPTs, then the message by DATA (maybe un-ended) or in BDAT chunks."""
    out = [draw(st.sampled_from(COMMANDS[3:7]))]
    out += draw(st.lists(st.sampled_from(COMMANDS[7:9]), min_size=1, max_size=3))
    if draw(st.booleans()):
        out += [b"DATA\r\n", draw(LINES), draw(st.sampled_from([b".\r\n", b"\r\n.\r\n", b""]))]
    else:
        for chunk, last in draw(st.lists(st.tuples(st.binary(max_size=60), st.booleans()))):
            out.append(b"BDAT %d%s\r\n%s" % (len(chunk), b" LAST" if last else b"", chunk))
    return b"".join(out)


@st.composite
def conversations(draw: st.DrawFn, lmtp: bool) -> bytes:
    """Mostly well-formed sessions, with garbage and stray commands mixed in."""
    hello = b"LHLO client.test\r\n" if lmtp else b"EHLO client.test\r\n"
    login = b"AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n"
    steps = st.one_of(
        transactions(),
        transactions(),
        transactions(),
        st.sampled_from(COMMANDS),
        st.sampled_from(COMMANDS),
        st.sampled_from(CONTENT),
        GARBAGE.map(lambda line: line + b"\r\n"),
        GARBAGE,
    )
    start = draw(st.sampled_from([hello, hello, hello + login, b""]))
    return start + b"".join(draw(st.lists(steps, max_size=8)))


# Extensions lengthen MAIL/RCPT lines: SIZE 26 (RFC 1870 §3), AUTH= 500 (RFC 4954 §3),
# SMTPUTF8 10 (RFC 6531 §3.1), BODY=BINARYMIME 16 (RFC 3030 §3), DSN 524 (RFC 3461 §5.4).
MAIL_LINE_ALLOWANCE = 26 + 500 + 10 + 16 + 524


@dataclass
class Run:
    """A server with a budget: every event must consume input, so the loop must end."""

    conn: ServerConnection
    budget: int
    events: list[object] = field(default_factory=list)

    def answer(self, conn: ServerConnection, event: Event) -> list[Reply]:
        self.budget -= 1
        assert self.budget >= 0, "next_event() keeps returning events without consuming input"
        return auto_answer(conn, event)


@st.composite
def servers(draw: st.DrawFn) -> dict[str, object]:
    limits = SMTPLimits(
        max_message_size=draw(st.sampled_from([None, 10_000, 10_000, 150])),
        max_text_line=draw(st.sampled_from([None, 30, 1000])),
        max_recipients=draw(st.sampled_from([1, 100])),
        max_bad_commands=draw(st.sampled_from([2, 20, 20, 10**6])),
        max_auth_line=draw(st.sampled_from([100, 12288])),
    )
    return {
        "lmtp": draw(st.booleans()),
        "limits": limits,
        "starttls": True,
        "auth_mechanisms": ("PLAIN", "LOGIN"),
        "auth_requires_tls": draw(st.sampled_from([False, False, True])),
        "require_auth": draw(st.sampled_from([False, False, False, True])),
        "strict_line_endings": draw(st.booleans()),
    }


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    edges = sorted({0, len(data), *(c for c in cuts if c < len(data))})
    return [data[a:b] for a, b in itertools.pairwise(edges)]


def run(config: dict[str, object], pieces: list[bytes]) -> list[object]:
    conn = ServerConnection("mx.test", **config)  # type: ignore[arg-type]
    conn.send(Reply(220, "mx.test ESMTP"))
    limits = conn.limits
    bound = max(limits.max_auth_line, limits.max_command_line + MAIL_LINE_ALLOWANCE)
    fuzz = Run(conn, budget=4 * sum(map(len, pieces)) + 50)
    fed = 0  # the size of the last piece the server took in
    for piece in [*pieces, b""]:
        if conn.state is not State.CLOSED:
            fed = len(piece)
        fuzz.events += drive(conn, piece, answer=fuzz.answer)
        assert len(conn._buffer) <= bound + fed
        assert conn.state is State.CLOSED or len(conn._buffer) < bound
        conn.data_to_send()
    assert conn.state is State.CLOSED  # EOF always ends the conversation
    return fuzz.events


def canonical(events: list[object]) -> tuple[list[object], list[bytes]]:
    """Events to compare across splits, and the content of each refused message.

    How much of a message flows before the server finds the reason to refuse it depends on
    where the pieces were cut (content is passed on as soon as it is decided, and a bad octet
    is found only when it arrives); that it is a prefix of the same content does not.
    """
    events = merge_chunks(events)
    # STARTTLS: whether bytes were pipelined behind it depends on the split by definition.
    for i, event in enumerate(events):
        if isinstance(event, StartTLS):
            events = events[: i + 1]
            break
    kept: list[object] = []
    partial: list[bytes] = []
    for event in events:
        # A refusal, or the client closing, may cut a message whose fault is already known.
        if isinstance(event, Refused | ConnectionClosed):
            partial.append(b"")
            last = kept[-1] if kept else None
            if isinstance(last, MessageChunk):
                partial[-1] = bytes(last.data)
                kept.pop()
        kept.append(event)
    return kept, partial


@st.composite
def inputs(draw: st.DrawFn) -> tuple[dict[str, object], bytes]:
    config = draw(servers())
    session = conversations(lmtp=bool(config["lmtp"]))
    data = draw(st.one_of(st.binary(max_size=600), session, session, session))
    return config, data


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=inputs(), cuts=st.lists(st.integers(0, 2000), max_size=30))
def test_any_bytes_in_any_pieces(case: tuple[dict[str, object], bytes], cuts: list[int]) -> None:
    config, data = case
    whole, whole_partial = canonical(run(config, [data] if data else []))
    pieces, pieces_partial = canonical(run(config, split(data, cuts)))
    assert pieces == whole
    for a, b in zip(whole_partial, pieces_partial, strict=True):
        assert a.startswith(b) or b.startswith(a)


@settings(max_examples=100, deadline=None)
@given(case=inputs())
def test_byte_at_a_time(case: tuple[dict[str, object], bytes]) -> None:
    config, data = case
    whole, whole_partial = canonical(run(config, [data] if data else []))
    bytewise, bytewise_partial = canonical(run(config, [data[i : i + 1] for i in range(len(data))]))
    assert bytewise == whole
    for a, b in zip(whole_partial, bytewise_partial, strict=True):
        assert a.startswith(b) or b.startswith(a)


@settings(max_examples=40, deadline=None)
@given(
    config=servers(),
    piece=st.sampled_from([1, 7, 511, 512, 513, 4096, 65536]),
    size=st.integers(0, 200_000),
)
def test_huge_lines_stay_bounded(config: dict[str, object], piece: int, size: int) -> None:
    size = min(size, 300 * piece)  # keep the byte-at-a-time cases quick
    hello = b"LHLO" if config["lmtp"] else b"EHLO"
    data = hello + b" client.test\r\n" + b"A" * size + b"\r\nNOOP\r\n"
    events = run(config, split(data, list(range(piece, len(data), piece))))
    # One 500 (too long, or an unknown command when it fits), and the server is back in sync.
    assert names(events) == [hello.decode().title(), "refused 500", "Noop", "ConnectionClosed"]
