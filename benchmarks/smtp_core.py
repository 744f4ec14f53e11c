"""The sans-IO SMTP core alone, in memory: CPU per message with no sockets and no event loop.

The socket benchmarks (``smtp_server.py``, ``smtp_client.py``) measure what users get, but on
a small machine they are noisy: the load generator, the kernel and the library share the
CPUs. This one feeds bytes straight into the state machines, so it measures only the
protocol code, repeatably -- the number to watch while optimising the core.

    .venv/bin/python benchmarks/smtp_core.py              # 20,000 messages per case, best of 5
    .venv/bin/python benchmarks/smtp_core.py --quick

Cases:

* ``server, one command per read``: a server session (SMTPSession + ServerConnection with
  SinkHandler) fed MAIL, RCPT, DATA, then the content, each as its own read -- what
  ``smtp-source`` does;
* ``server, pipelined``: MAIL+RCPT+DATA in one read, then the content (RFC 2920);
* ``client send_message``: the client procedure (``send_email``) against scripted replies,
  string addresses as users pass them, pipelining offered.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import time
from collections.abc import Callable, Iterator
from typing import Any

from _common import (
    HOSTNAME,
    RECIPIENT,
    SENDER,
    format_table,
    load_note,
    make_message,
    revision,
)

from pymailproto._server_front import SMTPServerBase, hook
from pymailproto.servers import HookCall, SinkHandler
from pymailproto.smtp import ClientConnection
from pymailproto.smtp import _procedures as proc
from pymailproto.smtp._procedures import IO

MAIL = f"MAIL FROM:<{SENDER}>\r\n".encode()
RCPT = f"RCPT TO:<{RECIPIENT}>\r\n".encode()
DATA = b"DATA\r\n"


class ServerDriver:
    """A server session driven like a transport would, minus the socket."""

    def __init__(self) -> None:
        options = SMTPServerBase(handler=SinkHandler()).options
        self.handler = options.handler
        self.session = options.new_session("127.0.0.1:25")
        self.conn = self.session.conn
        self.steps = self.session.run()
        self.answer: Any = None
        self.replies = 0
        self.feed(b"")  # the greeting
        self.feed(f"EHLO {HOSTNAME}\r\n".encode())

    def feed(self, data: bytes) -> None:
        """Give the session ``data``; run it until it waits for more; take its output."""
        if data:
            self.conn.receive_data(data)
        while True:
            step = self.steps.send(self.answer)
            self.answer = None
            if step is IO.RECEIVE:
                self.replies += self.conn.data_to_send().count(b"\r\n")
                return
            if isinstance(step, HookCall):
                self.answer = hook(self.handler, self.session, step)


def server_case(messages: int, pipelined: bool) -> Callable[[], None]:
    content = make_message(1024) + b".\r\n"

    def run() -> None:
        driver = ServerDriver()
        feed = driver.feed
        before = driver.replies
        for _ in range(messages):
            if pipelined:
                feed(MAIL + RCPT + DATA)
            else:
                feed(MAIL)
                feed(RCPT)
                feed(DATA)
            feed(content)
        if driver.replies - before != 4 * messages:
            raise RuntimeError("the server did not answer every command")

    return run


_EHLO = b"250-sink.example\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES\r\n"
_ENVELOPE = b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n"
_DELIVERED = b"250 2.0.0 Ok\r\n"


def _drive(conn: ClientConnection, procedure: proc.Procedure[Any], replies: Iterator[bytes]) -> Any:
    """Run a client procedure, answering each read with the next scripted reply."""
    try:
        request = next(procedure)
        while True:
            conn.data_to_send()
            if request is IO.RECEIVE:
                conn.receive_data(next(replies))
            request = procedure.send(None)
    except StopIteration as done:
        conn.data_to_send()
        return done.value


def client_case(messages: int) -> Callable[[], None]:
    message = make_message(1024)

    def run() -> None:
        conn = ClientConnection()
        opening = iter([b"220 sink.example ESMTP\r\n", _EHLO])
        _drive(conn, proc.open_session(conn, HOSTNAME), opening)
        for _ in range(messages):
            replies = iter((_ENVELOPE, _DELIVERED))
            _drive(conn, proc.send_email(conn, message, SENDER, [RECIPIENT]), replies)

    return run


def best_of(run: Callable[[], None], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the messages")
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs per case; best counts")
    parser.add_argument("--case", help="only the cases whose name contains this (e.g. client)")
    args = parser.parse_args()
    messages = args.messages // 10 if args.quick else args.messages
    cases: dict[str, Callable[[int], Callable[[], None]]] = {
        "server, one command per read": lambda n: server_case(n, pipelined=False),
        "server, pipelined": lambda n: server_case(n, pipelined=True),
        "client send_message": client_case,
    }
    chosen = [name for name in cases if not args.case or args.case in name]
    print(f"# SMTP sans-IO core benchmark, {datetime.date.today().isoformat()}")
    print(f"# {revision()}, {platform.python_implementation()} {platform.python_version()}")
    print(f"# {load_note()}")
    rows = []
    for name in chosen:
        cases[name](100)()  # warm-up
        seconds = best_of(cases[name](messages), args.repeat)
        rows.append([name, f"{messages / seconds:,.0f}", f"{seconds / messages * 1e6:.1f}"])
    print()
    print(format_table(["case (1 KB messages)", "msg/s", "µs/msg"], rows))


if __name__ == "__main__":
    main()
