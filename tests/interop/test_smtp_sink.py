"""Our SMTP clients against Postfix's ``smtp-sink``: many messages over one connection."""

from __future__ import annotations

import time

from tests.interop.conftest import SmtpSink, flights, open_client

COUNT = 50


def test_fifty_messages_over_one_connection(smtp_sink: SmtpSink, client_kind: str) -> None:
    trace: list[str] = []
    with open_client(client_kind, smtp_sink.port, trace=trace) as client:
        results = [
            client.send_message(
                f"Subject: message {i}\r\nMessage-ID: <sink-{i}@client.test>\r\n\r\n"
                f"body of message {i}\r\n.leading dot\r\n",
                "sender@client.test",
                ["a@example.net", "b@example.net"],
            )
            for i in range(COUNT)
        ]
    assert all(r.reply.code == 250 for r in results)
    assert all(list(r.accepted) == ["a@example.net", "b@example.net"] for r in results)
    # One connection: one greeting, one EHLO, one QUIT.
    assert sum(line.startswith("S: 220 ") for line in trace) == 1
    assert sum(line.startswith("C: EHLO ") for line in trace) == 1
    assert trace.count("C: QUIT") == 1
    # smtp-sink offers PIPELINING but not CHUNKING: each transaction is one flight up to DATA.
    verbs = [[line.split()[0] for line in flight] for flight in flights(trace)]
    assert verbs.count(["MAIL", "RCPT", "RCPT", "DATA"]) == COUNT, verbs
    # smtp-sink dumps each transaction: its own headers, the message with LF line ends, "".
    dumps = smtp_sink.dumps(COUNT)
    assert len(dumps) == COUNT
    bodies = sorted(d.split(b"\n\n", 1)[1] for d in dumps)
    assert bodies == sorted(f"body of message {i}\n.leading dot\n\n".encode() for i in range(COUNT))
    assert all(b"X-Rcpt-Args: <a@example.net>\nX-Rcpt-Args: <b@example.net>\n" in d for d in dumps)


# A regression test: the blocking client once wrote the message content and the final "."
# in two send() calls without TCP_NODELAY, so Nagle held the "." until the server's delayed
# ACK (~40 ms on Linux) and every DATA transaction stalled (50 messages: 2.2 s instead of
# 0.03 s). Fixed by TCP_NODELAY on blocking sockets (asyncio sets it by itself).
def test_small_messages_do_not_stall_on_nagle(smtp_sink: SmtpSink, client_kind: str) -> None:
    start = time.monotonic()
    with open_client(client_kind, smtp_sink.port) as client:
        for i in range(COUNT):
            client.send_message(
                f"Subject: {i}\r\n\r\nhello\r\n", "a@client.test", ["b@example.net"]
            )
    elapsed = time.monotonic() - start
    # Without stalls this takes a few ms per message; 50 x 40 ms of Nagle is 2 s.
    assert elapsed < 1.0, f"{COUNT} messages took {elapsed:.2f}s"


def test_lmtp_client_gets_one_reply_per_recipient(lmtp_sink: SmtpSink, client_kind: str) -> None:
    rcpts = ["a@example.net", "b@example.net", "c@example.net"]
    trace: list[str] = []
    with open_client(client_kind, lmtp_sink.port, trace=trace, lmtp=True) as client:
        results = [
            client.send_message(f"Subject: {i}\r\n\r\nhello\r\n", "a@client.test", rcpts)
            for i in range(3)
        ]
    assert sum(line.startswith("C: LHLO ") for line in trace) == 1
    for result in results:
        assert list(result.deliveries) == rcpts
        assert result.delivered == rcpts
    # RFC 2033 §4.2: after the final dot, one reply per accepted recipient.
    assert len(lmtp_sink.dumps(3)) == 3
