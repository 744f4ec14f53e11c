"""SMTP client throughput: pymailproto (sync, asyncio) vs smtplib and aiosmtplib.

Every client sends the same 1 KB message to Postfix's ``smtp-sink`` (C, discards mail,
offers PIPELINING), one message after the other:

* ``reused``: one connection for all messages (5,000 by default);
* ``per-connection``: connect, EHLO, send, QUIT for every message (500 by default).

    .venv/bin/python benchmarks/smtp_client.py            # the full run (about a minute)
    .venv/bin/python benchmarks/smtp_client.py --quick    # a tenth of the messages
    .venv/bin/python benchmarks/smtp_client.py --clients sync,smtplib --modes reused

Every client is given the same ``local_hostname`` (so none pays for a ``getfqdn()``), plaintext
and no TLS. Ratios compare like with like: our sync client with smtplib, our asyncio client
with aiosmtplib.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import gc
import json
import os
import platform
import smtplib
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import aiosmtplib
from _common import (
    HOSTNAME,
    PLACEMENTS,
    RECIPIENT,
    SENDER,
    Placement,
    format_table,
    load_note,
    make_message,
    pin,
    ratio,
    revision,
    smtp_sink,
)

from pymailproto import TLSMode
from pymailproto.aio import SMTPClient as AsyncSMTPClient
from pymailproto.smtp import Outgoing, SendResult
from pymailproto.sync import SMTPClient

TIMEOUT = 30.0
CLIENTS = ("sync", "sync-batch", "smtplib", "asyncio", "asyncio-batch", "aiosmtplib")
LABELS = {
    "sync": "pymailproto sync",
    "sync-batch": "pymailproto sync, send_messages",
    "smtplib": "smtplib",
    "asyncio": "pymailproto asyncio",
    "asyncio-batch": "pymailproto asyncio, send_messages",
    "aiosmtplib": "aiosmtplib",
}
#: What each client is compared with.
BASELINES = {
    "sync": "smtplib",
    "sync-batch": "smtplib",
    "asyncio": "aiosmtplib",
    "asyncio-batch": "aiosmtplib",
}
#: send_messages() sends a list; the time budget is checked between lists of this many.
BATCH = 100
#: Clients that only make sense over one reused connection.
REUSED_ONLY = {"sync-batch", "asyncio-batch"}
MODES = {"reused": 5_000, "per-connection": 500}

#: send(port, message, count, reuse, deadline) -> messages sent: sends ``count`` messages,
#: or as many as fit before ``deadline`` (a ``time.perf_counter()`` value).
Sender = Callable[[int, bytes, int, bool, float], int]
AsyncSender = Callable[[int, bytes, int, bool, float], Awaitable[int]]

#: Set by --nodelay: a diagnostic, not what users get.
NODELAY = False


def _nodelay(client: SMTPClient) -> SMTPClient:
    """With --nodelay, set TCP_NODELAY on a connected pymailproto sync client's socket.

    asyncio sets TCP_NODELAY on every TCP transport, and smtplib writes the content and the
    end-of-data marker in one ``sendall``; without the option, the sync client's two writes
    (content, then ``.<CRLF>``) meet Nagle's algorithm and the peer's delayed ACK.
    """
    stream = client._stream
    if NODELAY and stream is not None:
        stream.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return client


def send_sync(port: int, message: bytes, count: int, reuse: bool, deadline: float) -> int:
    def client() -> SMTPClient:
        return SMTPClient(
            "127.0.0.1",
            port,
            tls=TLSMode.PLAINTEXT,
            timeout=TIMEOUT,
            local_hostname=HOSTNAME,
        )

    sent = 0
    if reuse:
        with client() as c:
            _nodelay(c)
            while sent < count and time.perf_counter() < deadline:
                c.send_message(message, SENDER, [RECIPIENT])
                sent += 1
    else:
        while sent < count and time.perf_counter() < deadline:
            with client() as c:
                _nodelay(c).send_message(message, SENDER, [RECIPIENT])
            sent += 1
    return sent


def send_sync_batch(port: int, message: bytes, count: int, reuse: bool, deadline: float) -> int:
    """send_messages(): the end of one message and the next MAIL/RCPT/DATA in one write."""
    assert reuse
    sent = 0
    with SMTPClient(
        "127.0.0.1", port, tls=TLSMode.PLAINTEXT, timeout=TIMEOUT, local_hostname=HOSTNAME
    ) as c:
        while sent < count and time.perf_counter() < deadline:
            n = min(BATCH, count - sent)
            outcomes = c.send_messages([Outgoing(message, SENDER, [RECIPIENT])] * n)
            sent += sum(isinstance(o, SendResult) for o in outcomes)
    return sent


def send_smtplib(port: int, message: bytes, count: int, reuse: bool, deadline: float) -> int:
    def client() -> smtplib.SMTP:
        return smtplib.SMTP("127.0.0.1", port, local_hostname=HOSTNAME, timeout=TIMEOUT)

    sent = 0
    if reuse:
        with client() as c:
            while sent < count and time.perf_counter() < deadline:
                c.sendmail(SENDER, [RECIPIENT], message)
                sent += 1
    else:
        while sent < count and time.perf_counter() < deadline:
            with client() as c:  # __exit__ sends QUIT
                c.sendmail(SENDER, [RECIPIENT], message)
            sent += 1
    return sent


async def send_asyncio(port: int, message: bytes, count: int, reuse: bool, deadline: float) -> int:
    def client() -> AsyncSMTPClient:
        return AsyncSMTPClient(
            "127.0.0.1",
            port,
            tls=TLSMode.PLAINTEXT,
            timeout=TIMEOUT,
            local_hostname=HOSTNAME,
        )

    sent = 0
    if reuse:
        async with client() as c:
            while sent < count and time.perf_counter() < deadline:
                await c.send_message(message, SENDER, [RECIPIENT])
                sent += 1
    else:
        while sent < count and time.perf_counter() < deadline:
            async with client() as c:
                await c.send_message(message, SENDER, [RECIPIENT])
            sent += 1
    return sent


async def send_asyncio_batch(
    port: int, message: bytes, count: int, reuse: bool, deadline: float
) -> int:
    assert reuse
    sent = 0
    async with AsyncSMTPClient(
        "127.0.0.1", port, tls=TLSMode.PLAINTEXT, timeout=TIMEOUT, local_hostname=HOSTNAME
    ) as c:
        while sent < count and time.perf_counter() < deadline:
            n = min(BATCH, count - sent)
            outcomes = await c.send_messages([Outgoing(message, SENDER, [RECIPIENT])] * n)
            sent += sum(isinstance(o, SendResult) for o in outcomes)
    return sent


async def send_aiosmtplib(
    port: int, message: bytes, count: int, reuse: bool, deadline: float
) -> int:
    def client() -> aiosmtplib.SMTP:
        return aiosmtplib.SMTP(
            hostname="127.0.0.1",
            port=port,
            local_hostname=HOSTNAME,
            timeout=TIMEOUT,
            use_tls=False,
            start_tls=False,
        )

    sent = 0
    if reuse:
        async with client() as c:
            while sent < count and time.perf_counter() < deadline:
                await c.sendmail(SENDER, [RECIPIENT], message)
                sent += 1
    else:
        while sent < count and time.perf_counter() < deadline:
            async with client() as c:  # __aexit__ sends QUIT
                await c.sendmail(SENDER, [RECIPIENT], message)
            sent += 1
    return sent


SYNC: dict[str, Sender] = {
    "sync": send_sync,
    "sync-batch": send_sync_batch,
    "smtplib": send_smtplib,
}
ASYNC: dict[str, AsyncSender] = {
    "asyncio": send_asyncio,
    "asyncio-batch": send_asyncio_batch,
    "aiosmtplib": send_aiosmtplib,
}


@dataclass
class Result:
    client: str
    mode: str
    messages: int
    seconds: float
    msgs_per_s: float
    cpu_s: float  # this process's CPU time for the best run
    stopped: bool = False  # the time budget ran out before all messages were sent


def timed(
    kind: str, message: bytes, *, port: int, count: int, reuse: bool, budget: float
) -> tuple[int, float, float]:
    """(messages sent, wall seconds, CPU seconds) for one run of at most ``budget`` seconds.

    The event loop is started outside the clock.
    """
    if kind in SYNC:
        cpu, start = time.process_time(), time.perf_counter()
        sent = SYNC[kind](port, message, count, reuse, start + budget)
        return sent, time.perf_counter() - start, time.process_time() - cpu

    async def run() -> tuple[int, float, float]:
        cpu, start = time.process_time(), time.perf_counter()
        sent = await ASYNC[kind](port, message, count, reuse, start + budget)
        return sent, time.perf_counter() - start, time.process_time() - cpu

    return asyncio.run(run())


def measure(kind: str, mode: str, *, port: int, count: int, budget: float) -> Result:
    """One run of ``count`` messages (or ``budget`` seconds), after a short warm-up."""
    message = make_message(1024)
    reuse = mode == "reused"
    timed(kind, message, port=port, count=20, reuse=reuse, budget=budget)
    gc.collect()
    sent, seconds, cpu = timed(kind, message, port=port, count=count, reuse=reuse, budget=budget)
    return Result(kind, mode, sent, seconds, sent / seconds, cpu, stopped=sent < count)


def report(results: list[Result]) -> str:
    by = {(r.client, r.mode): r for r in results}
    headers = ["mode / client", "msg/s", "client CPU µs/msg", "vs baseline"]
    rows = []
    for r in results:
        base = by.get((BASELINES.get(r.client, ""), r.mode))
        versus = f"{ratio(r.msgs_per_s / base.msgs_per_s)} {base.client}" if base else "-"
        rows.append(
            [
                f"{r.mode}: {LABELS[r.client]}",
                f"{r.msgs_per_s:,.0f}" + (" *" if r.stopped else ""),
                f"{r.cpu_s / r.messages * 1e6:,.0f}",
                versus,
            ]
        )
    return format_table(headers, rows)


def targets(results: list[Result]) -> list[str]:
    """The issue's targets: at least 2x the baseline over one reused connection."""
    by = {(r.client, r.mode): r for r in results}
    lines = []
    for kind, base_kind in BASELINES.items():
        ours, base = by.get((kind, "reused")), by.get((base_kind, "reused"))
        if ours is None or base is None:
            continue
        speed = ours.msgs_per_s / base.msgs_per_s
        verdict = "met" if speed >= 2.0 else "NOT met"
        lines.append(
            f"{LABELS[kind]}, reused connection: {ratio(speed)} {base_kind} (target >= 2x): "
            + verdict
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the messages")
    parser.add_argument("--clients", default=",".join(CLIENTS), help="comma-separated subset")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated subset")
    parser.add_argument("--messages", type=int, help="messages per run (overrides the mode's)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of runs; the best counts")
    parser.add_argument(
        "--budget",
        type=float,
        default=20.0,
        help="seconds one run may take; a slower client stops early (marked *)",
    )
    parser.add_argument(
        "--nodelay",
        action="store_true",
        help="diagnostic: set TCP_NODELAY on pymailproto sync client sockets",
    )
    parser.add_argument(
        "--pin",
        choices=PLACEMENTS,
        default="split",
        help="CPUs for the client and smtp-sink: split (one each), same (one for both), none",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    clients = [c for c in args.clients.split(",") if c]
    modes = [m for m in args.modes.split(",") if m]
    global NODELAY  # noqa: PLW0603 - a command-line switch read by send_sync
    NODELAY = args.nodelay
    unknown = (set(clients) - set(CLIENTS)) | (set(modes) - set(MODES))
    if unknown:
        parser.error(f"unknown clients or modes: {sorted(unknown)}")

    print(f"# SMTP client benchmark, {datetime.date.today().isoformat()}")
    print(f"# {revision()}, {platform.python_implementation()} {platform.python_version()}")
    print(f"# {load_note()}")
    print(f"# aiosmtplib {aiosmtplib.__version__}; server: Postfix smtp-sink (PIPELINING offered)")
    started = time.perf_counter()
    runs: dict[tuple[str, str], list[Result]] = {}
    where = Placement.choose(args.pin)
    print(f"# {where.describe()}")
    pin(os.getpid(), where.load)  # this process is the load side
    with smtp_sink(cpus=where.server) as sink:
        for mode in modes:
            count = args.messages or MODES[mode]
            if args.quick:
                count = max(count // 10, 1)
            # Rounds rather than one client's runs back to back: a change in the machine's
            # load then touches every client alike.
            for _round in range(args.repeat):
                for kind in clients:
                    if kind in REUSED_ONLY and mode != "reused":
                        continue
                    result = measure(kind, mode, port=sink.port, count=count, budget=args.budget)
                    runs.setdefault((kind, mode), []).append(result)
                    stopped = f" (stopped after {result.messages})" if result.stopped else ""
                    print(
                        f"  {mode:<15} {LABELS[kind]:<20} {result.msgs_per_s:>8,.0f} msg/s"
                        f"  CPU {result.cpu_s / result.messages * 1e6:5.0f} µs/msg{stopped}",
                        flush=True,
                    )
    results = [max(r, key=lambda r: r.msgs_per_s) for r in runs.values()]
    print()
    print(report(results))
    if any(r.stopped for r in results):
        print(
            f"* the {args.budget:g} s budget of a run ran out first; msg/s over the messages sent"
        )
    if NODELAY:
        print("(--nodelay: TCP_NODELAY set on the pymailproto sync client's sockets)")
    print()
    for line in targets(results):
        print(line)
    print(f"\n# {time.perf_counter() - started:.0f} s in all; after the run: {load_note()}")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")


if __name__ == "__main__":
    main()
