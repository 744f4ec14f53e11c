"""Our IMAP servers next to Dovecot, the same client against each: SELECT, FETCH, SEARCH.

    .venv/bin/python benchmarks/imap_server.py             # 10,000 messages, best of 3
    .venv/bin/python benchmarks/imap_server.py --quick     # 1,000 messages, best of 2

The same seeded, generated messages (``imap_client.make_messages``) go into a private Dovecot
(``tests/interop/dovecot.py``, written straight into its Maildir) and into a MemoryMailstore
served by our asyncio and our threaded server, each in a child process of its own (so the
client's work and the server's do not share a GIL, as with Dovecot). One client -- our blocking
``IMAPClient`` -- then times, on a fresh logged-in connection per round:

* ``select+fetch``: ``SELECT INBOX`` + ``UID FETCH 1:* (FLAGS ENVELOPE)``;
* ``search``: ``UID SEARCH`` of a word in the Subject, and of ``UNSEEN``.

Dovecot builds its index and caches envelopes on the first SELECT/FETCH, so an untimed warm-up
round goes first for every server (ours keep parsed messages in a server-wide cache, as
Dovecot keeps its cache file). Ratios are ours / Dovecot's time (lower is better;
the issue's target: within 3x).

Not measured here: the peak RSS of a 100 MB APPEND (the issue's second figure).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from imap_client import Generated, make_certs, make_messages, populate  # noqa: E402
from tests.interop.dovecot import Dovecot, dovecot_binary  # noqa: E402

from pymailproto import TLSMode  # noqa: E402
from pymailproto.sync import IMAPClient  # noqa: E402

USER, PASSWORD = "alice", "wonderland"

_CHILD = textwrap.dedent(
    """
    import asyncio, pickle, sys
    from pymailproto.auth import StaticAuthenticator
    from pymailproto.mailstore import MemoryMailstore
    kind, path = sys.argv[1], sys.argv[2]
    store = MemoryMailstore()
    for data, flags in pickle.load(open(path, "rb")):
        store.deliver("alice", "INBOX", data, flags=flags)
    options = dict(store=store, authenticator=StaticAuthenticator({"alice": "wonderland"}),
                   allow_plaintext_auth=True)
    if kind == "threaded":
        from pymailproto.threaded import IMAPServer
        with IMAPServer(**options) as server:
            print(server.port, flush=True)
            sys.stdin.read()
    else:
        from pymailproto.aio import IMAPServer
        async def main():
            server = IMAPServer(**options)
            await server.start()
            print(server.port, flush=True)
            await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
            await server.stop()
        asyncio.run(main())
    """
)

_FLAGS = {"S": "\\Seen", "F": "\\Flagged", "R": "\\Answered", "D": "\\Draft", "T": "\\Deleted"}


@contextlib.contextmanager
def our_server(kind: str, messages: list[Generated], directory: Path) -> Iterator[int]:
    """One of our servers in a child process, holding ``messages``; yields its port."""
    import pickle  # noqa: PLC0415 - only the parent side writes it

    path = directory / f"messages-{kind}.pickle"
    items = [(m.data, [_FLAGS[c] for c in (m.flags or "") if c in _FLAGS]) for m in messages]
    path.write_bytes(pickle.dumps(items))
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, kind, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    try:
        assert proc.stdout is not None
        yield int(proc.stdout.readline())
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(30)


def timed(port: int, action: Callable[[IMAPClient], object], **kwargs: object) -> float:
    with IMAPClient("127.0.0.1", port, timeout=120, **kwargs) as client:  # type: ignore[arg-type]
        client.login(USER, PASSWORD)
        start = time.perf_counter()
        action(client)
        return time.perf_counter() - start


def select_fetch(client: IMAPClient) -> object:
    client.select("INBOX")
    result = client.fetch("1:*", ["FLAGS", "ENVELOPE"], uid=True)
    assert len(result) == client.connection.selected.exists  # type: ignore[union-attr]
    return result


def search(client: IMAPClient) -> object:
    client.select("INBOX")
    return (client.search("SUBJECT meeting", uid=True), client.search("UNSEEN", uid=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="1,000 messages, 2 rounds")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    count, rounds = (1_000, 2) if args.quick else (args.messages, args.repeat)
    if dovecot_binary() is None:
        raise SystemExit("dovecot is not installed (apt-get install dovecot-imapd)")
    messages = make_messages(count, args.seed)
    load = os.getloadavg()[0]
    print(f"# IMAP server benchmark: {count:,} messages, best of {rounds}, load {load:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        cert, key, _client_context = make_certs(directory)
        plain: dict[str, object] = {"tls": TLSMode.PLAINTEXT, "allow_plaintext_auth": True}
        with (
            Dovecot(cert, key) as dovecot,
            our_server("aio", messages, directory) as aio_port,
            our_server("threaded", messages, directory) as threaded_port,
        ):
            populate(dovecot, messages)
            ports = {
                "dovecot": dovecot.port,
                "ours asyncio": aio_port,
                "ours threaded": threaded_port,
            }
            results: dict[tuple[str, str], float] = {}
            for name, action in (("select+fetch", select_fetch), ("search", search)):
                for server, port in ports.items():
                    timed(port, action, **plain)  # warm-up, untimed
                    best = min(timed(port, action, **plain) for _ in range(rounds))
                    results[(name, server)] = best
    print("| operation | server | best s | vs Dovecot |")
    print("|---|---|---:|---:|")
    for (name, server), seconds in results.items():
        ratio = seconds / results[(name, "dovecot")]
        print(f"| {name} | {server} | {seconds:.3f} | {ratio:.2f}x |")


if __name__ == "__main__":
    main()
