"""IMAP FETCH parsing in memory: our parser next to imapclient, imaplib and a bytes.split floor.

    .venv/bin/python benchmarks/imap_parse.py              # 10,000 messages, best of 3 rounds
    .venv/bin/python benchmarks/imap_parse.py --quick      # 1,000 messages

Every case reads the same bytes -- ``imap_fixture.py``'s seeded answer to ``UID FETCH 1:*
(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)`` -- in this one process, with no
socket. Each round runs every case once, one after the other; the best round counts. MB/s
counts the octets of the whole response (1 MB = 10^6 octets), msg/s its FETCH responses.
Ratios are to imapclient's parser.

Cases:

* ``pymailproto ResponseParser (typed)``: ``ResponseParser()``, ``feed()`` the response in
  64 KiB pieces, iterate after each piece for the typed responses (DESIGN.md). Shown as "not
  available yet" until ``pymailproto.imap.ResponseParser`` exists.
* ``pymailproto ResponseFramer (untyped)``: framing only -- whole responses cut from the stream,
  literals counted -- fed the same 64 KiB pieces, ``next_event()`` drained after each.
* ``imapclient parse_fetch_response``: imapclient's response parser alone, called as
  ``IMAPClient.fetch()`` calls it -- on what imaplib read (``untagged_responses["FETCH"]``:
  one bytes line per response, a ``(line, literal)`` tuple for each literal), with
  ``normalise_times=True, uid_is_key=True``. Typed values: ints, datetimes, Envelope and
  Address tuples, BodyData. The baseline of the ratios.
* ``imapclient IMAPClient.fetch()``: what a user of imapclient waits for: the same parser
  behind imaplib reading the response off an in-memory socket file. It includes imaplib's
  debug logging at level 5, which IMAPClient turns on (``self._imap.debug = 5``).
* ``imaplib IMAP4.uid("FETCH")``: the standard library reading the response off the same
  in-memory socket file: lines split, literals read and set aside -- untyped.
* ``bytes.split floor``: ``data.split(b"\\r\\n")`` and a count of the FETCH lines.

The in-memory server: ``ScriptedIMAP4`` is ``imaplib.IMAP4`` with ``open()`` and ``send()``
replaced: reads come from an ``io.BufferedReader`` (what ``socket.makefile("rb")`` gives
imaplib) over a raw reader that hands out what the script queued; each command sent queues
its scripted answer (greeting, CAPABILITY, SELECT, then the fixture for UID FETCH, with the
tag imaplib chose). Everything above ``read()``/``readline()`` is imaplib's own code.

Before timing, one checking run: every case must report all the FETCH responses, and
imapclient's values for every message must match what the generator put in (UID, sequence
number, RFC822.SIZE, FLAGS, subject), so a broken fixture or harness fails loudly.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import gc
import imaplib
import io
import json
import platform
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from _common import format_table, load_note, ratio, revision
from imap_fixture import ITEMS, FetchFixture, build_fetch_response, describe

import pymailproto.imap

try:
    import imapclient
    from imapclient.response_parser import parse_fetch_response
except ImportError:  # a benchmark-only dependency
    sys.exit("imapclient is missing: .venv/bin/pip install -r benchmarks/requirements.txt")

#: Bytes per feed() of our parsers: what one recv() might return on a fast connection.
CHUNK = 64 * 1024
FETCH_ITEMS = "(" + " ".join(ITEMS) + ")"

# Case names, in table order.
TYPED = "pymailproto ResponseParser (typed)"
FRAMER = "pymailproto ResponseFramer (untyped)"
IMAPCLIENT = "imapclient parse_fetch_response"
IMAPCLIENT_FETCH = "imapclient IMAPClient.fetch()"
IMAPLIB = 'imaplib IMAP4.uid("FETCH") (untyped)'
FLOOR = "bytes.split floor"

#: A case: one run returns the number of FETCH responses it saw.
Case = Callable[[], int]


# --------------------------------------------------------------------------- in-memory server


class _Wire(io.RawIOBase):
    """The client's end of the socket: hands out, read by read, what the script queued."""

    def __init__(self) -> None:
        super().__init__()
        self.pending: collections.deque[memoryview] = collections.deque()

    def readable(self) -> bool:
        return True

    def queue(self, data: bytes | memoryview) -> None:
        self.pending.append(memoryview(data))

    def readinto(self, buffer: Any) -> int:
        pending = self.pending
        while pending and not pending[0]:
            pending.popleft()
        if not pending:
            return 0  # the server closed
        chunk = pending[0]
        size = min(len(buffer), len(chunk))
        buffer[:size] = chunk[:size]
        pending[0] = chunk[size:]
        return size


class _Socket:
    """Stands in for the socket IMAPClient adjusts (``settimeout``); nothing else touches it."""

    def settimeout(self, timeout: float | None) -> None:
        pass


class ScriptedIMAP4(imaplib.IMAP4):
    """imaplib over an in-memory server that answers from a script: no network at all."""

    def __init__(self, fixture: FetchFixture) -> None:
        data = fixture.data
        # The untagged responses; the tagged completion is sent with the tag imaplib chose.
        self.fetch_body = memoryview(data)[: data.rindex(b"\r\n", 0, len(data) - 2) + 2]
        self.exists = len(fixture.messages)
        super().__init__("imap.invalid")  # open() below: nothing is resolved or connected

    def open(self, host: str = "", port: int = 143, timeout: Any = None) -> None:
        self.host, self.port = host, port
        self.sock = _Socket()
        self.wire = _Wire()
        self.file = io.BufferedReader(self.wire)  # as socket.makefile("rb"): 8 KiB buffer
        self.wire.queue(b"* PREAUTH IMAP4rev1 server ready\r\n")

    def send(self, data: bytes) -> None:
        tag, _, command = data.partition(b" ")
        verb = command.rstrip(b"\r\n").split(b" ", 2)[:2]
        queue = self.wire.queue
        if verb[0] == b"CAPABILITY":
            queue(b"* CAPABILITY IMAP4rev1 LITERAL+ UIDPLUS\r\n%s OK done\r\n" % tag)
        elif verb[0] == b"SELECT":
            queue(
                b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
                b"* %d EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 1700000000] UIDs valid\r\n"
                b"%s OK [READ-WRITE] SELECT completed\r\n" % (self.exists, tag)
            )
        elif verb == [b"UID", b"FETCH"]:
            queue(self.fetch_body)
            queue(b"%s OK UID FETCH completed\r\n" % tag)
        else:
            raise AssertionError(f"the script has no answer to {data[:60]!r}")

    def shutdown(self) -> None:
        self.file.close()


class ScriptedIMAPClient(imapclient.IMAPClient):
    """IMAPClient over :class:`ScriptedIMAP4` instead of a connected ``imaplib.IMAP4``."""

    def __init__(self, fixture: FetchFixture) -> None:
        self._fixture = fixture
        super().__init__("imap.invalid", ssl=False)

    def _create_IMAP4(self) -> ScriptedIMAP4:
        return ScriptedIMAP4(self._fixture)


# --------------------------------------------------------------------------- cases


def chunks_of(data: bytes, size: int = CHUNK) -> list[bytes]:
    """``data`` as the pieces successive reads would return (cut outside the timing)."""
    return [data[i : i + size] for i in range(0, len(data), size)]


def typed_case(fixture: FetchFixture) -> Case | None:
    parser_class = getattr(pymailproto.imap, "ResponseParser", None)
    if parser_class is None:
        return None
    pieces = chunks_of(fixture.data)

    def run() -> int:
        parser = parser_class()
        fetches = 0
        for piece in pieces:
            parser.feed(piece)
            for response in parser:
                if _is_fetch(response):
                    fetches += 1
        return fetches

    return run


def _is_fetch(response: object) -> bool:
    """Whether a typed response is a FETCH (the class name says; adjust when it lands)."""
    return "fetch" in type(response).__name__.lower()


def framer_case(fixture: FetchFixture) -> Case:
    pieces = chunks_of(fixture.data)
    framer_class = pymailproto.imap.ResponseFramer
    message_class = pymailproto.imap.Message
    need_data = pymailproto.imap.NEED_DATA

    def run() -> int:
        framer = framer_class()
        fetches = 0
        for piece in pieces:
            framer.receive_data(piece)
            while (event := framer.next_event()) is not need_data:
                if type(event) is message_class and event.data.startswith(b"* "):
                    fetches += 1
        return fetches

    return run


def imaplib_fetch(imap: ScriptedIMAP4) -> list[Any]:
    """``UID FETCH 1:* (...)`` through imaplib: what it collected under "FETCH"."""
    typ, data = imap.uid("FETCH", "1:*", FETCH_ITEMS)
    if typ != "OK":
        raise RuntimeError(f"imaplib: UID FETCH gave {typ} {data!r}")
    return data


def imaplib_case(fixture: FetchFixture) -> Case:
    imap = ScriptedIMAP4(fixture)
    imap.select("INBOX")

    def run() -> int:
        # One bytes item per response, after a (line, literal) tuple per literal.
        return sum(1 for item in imaplib_fetch(imap) if type(item) is bytes)

    return run


def imapclient_case(fixture: FetchFixture, keep: list[Any] | None = None) -> Case:
    imap = ScriptedIMAP4(fixture)
    imap.select("INBOX")
    lines = imaplib_fetch(imap)  # read once, outside the timing: the parser alone is timed

    def run() -> int:
        result = parse_fetch_response(lines, True, True)  # as IMAPClient.fetch() calls it
        if keep is not None:
            keep.append(result)
        return len(result)

    return run


def imapclient_fetch_case(fixture: FetchFixture) -> Case:
    client = ScriptedIMAPClient(fixture)
    client.select_folder("INBOX")
    # A user first SEARCHes for the UIDs, then FETCHes them: fetch() keeps only those asked.
    uids = [m.uid for m in fixture.messages]

    def run() -> int:
        return len(client.fetch(uids, list(ITEMS)))

    return run


def floor_case(fixture: FetchFixture) -> Case:
    data = fixture.data

    def run() -> int:
        return sum(1 for line in data.split(b"\r\n") if line.startswith(b"* "))

    return run


# --------------------------------------------------------------------------- checks


def check_imapclient(fixture: FetchFixture, result: dict[int, dict[bytes, Any]]) -> None:
    """imapclient's values for every message must be what the generator put in."""
    if len(result) != len(fixture.messages):
        raise SystemExit(f"imapclient returned {len(result)} messages")
    for expected in fixture.messages:
        got = result.get(expected.uid)
        if got is None:
            raise SystemExit(f"imapclient has no UID {expected.uid} (message {expected.seq})")
        checks = {
            "SEQ": (got[b"SEQ"], expected.seq),
            "RFC822.SIZE": (got[b"RFC822.SIZE"], expected.size),
            "FLAGS": (got[b"FLAGS"], tuple(f.encode("ascii") for f in expected.flags)),
            "subject": (got[b"ENVELOPE"].subject, expected.subject),
            "INTERNALDATE type": (type(got[b"INTERNALDATE"]), datetime.datetime),
        }
        for name, (value, wanted) in checks.items():
            if value != wanted:
                raise SystemExit(
                    f"UID {expected.uid}: imapclient gives {name} {value!r}, "
                    f"the generator wrote {wanted!r}"
                )


def best_of(cases: dict[str, Case], rounds: int) -> dict[str, float]:
    """Run every case once per round, one after the other; the best time of each."""
    best = dict.fromkeys(cases, float("inf"))
    for _ in range(rounds):
        for name, run in cases.items():
            gc.collect()  # garbage of the previous case is not this one's cost
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


# --------------------------------------------------------------------------- report


def verdict(seconds: dict[str, float]) -> str:
    """The issue's target: typed >= 10x imapclient, and within 3x of imaplib's splitting."""
    target = "target: typed parser >= 10x imapclient, within 3x of imaplib's untyped splitting"
    if TYPED not in seconds:
        return f"{target}\nnot measured: pymailproto.imap.ResponseParser is not available yet"
    vs_imapclient = seconds[IMAPCLIENT] / seconds[TYPED]
    vs_imaplib = seconds[TYPED] / seconds[IMAPLIB]
    first = "met" if vs_imapclient >= 10 else "NOT met"
    second = "met" if vs_imaplib <= 3 else "NOT met"
    return (
        f"{target}\n"
        f"typed parser = {ratio(vs_imapclient)} imapclient's throughput (>= 10x: {first}); "
        f"it takes {ratio(vs_imaplib)} the time of imaplib's untyped splitting (<= 3x: {second})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 messages")
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best counts")
    parser.add_argument("--seed", type=int, default=None, help="fixture seed")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    count = 1_000 if args.quick else args.messages
    seed_args = {} if args.seed is None else {"seed": args.seed}
    fixture = build_fetch_response(count, **seed_args)
    size = len(fixture.data)

    print(f"# IMAP FETCH parsing benchmark, {datetime.date.today().isoformat()}")
    print(
        f"# {revision()}, {platform.python_implementation()} {platform.python_version()}, "
        f"imapclient {imapclient.__version__}"
    )
    print(f"# {load_note()}")
    print("# fixture: " + describe(fixture).replace("\n", "\n#   "))

    kept: list[Any] = []
    cases: dict[str, Case] = {}
    typed = typed_case(fixture)
    if typed is not None:
        cases[TYPED] = typed
    cases[FRAMER] = framer_case(fixture)
    cases[IMAPCLIENT] = imapclient_case(fixture, kept)
    cases[IMAPCLIENT_FETCH] = imapclient_fetch_case(fixture)
    cases[IMAPLIB] = imaplib_case(fixture)
    cases[FLOOR] = floor_case(fixture)

    # The checking run (also a warm-up): counts, then imapclient's values.
    for name, run in cases.items():
        seen = run()
        if seen != count:
            hint = " (is _is_fetch() right for its response types?)" if name == TYPED else ""
            raise SystemExit(f"{name}: {seen} FETCH responses, expected {count}{hint}")
    check_imapclient(fixture, kept.pop())
    cases[IMAPCLIENT] = imapclient_case(fixture)  # timed without keeping its results
    print(f"# check: every case saw {count:,} FETCH responses; imapclient's values match")

    seconds = best_of(cases, args.repeat)
    base = seconds[IMAPCLIENT]
    rows: list[Sequence[str]] = []
    results = []
    for name in (TYPED, FRAMER, IMAPCLIENT, IMAPCLIENT_FETCH, IMAPLIB, FLOOR):
        if name not in seconds:
            rows.append([name, "not available yet", "-", "-", "-"])
            continue
        run_time = seconds[name]
        rows.append(
            [
                name,
                f"{size / run_time / 1e6:,.1f}",
                f"{count / run_time:,.0f}",
                f"{run_time / count * 1e6:,.1f}",
                ratio(base / run_time),
            ]
        )
        results.append(
            {
                "case": name,
                "seconds": run_time,
                "mb_per_s": size / run_time / 1e6,
                "messages_per_s": count / run_time,
                "vs_imapclient": base / run_time,
            }
        )
    print()
    print(format_table(["case", "MB/s", "msg/s", "µs/msg", "vs imapclient"], rows))
    print()
    print(verdict(seconds))
    if args.json:
        report = {
            "date": datetime.date.today().isoformat(),
            "revision": revision(),
            "python": platform.python_version(),
            "imapclient": imapclient.__version__,
            "load": load_note(),
            "messages": count,
            "octets": size,
            "literals": fixture.literals,
            "rounds": args.repeat,
            "results": results,
            "verdict": verdict(seconds),
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
