"""IMAP clients against one Dovecot: our sync and asyncio clients, imaplib and imapclient.

    .venv/bin/python benchmarks/imap_client.py              # 10,000 messages, best of 5 rounds
    .venv/bin/python benchmarks/imap_client.py --quick      # 1,000 messages, best of 2
    .venv/bin/python benchmarks/imap_client.py --tls        # everything over implicit TLS

One private Dovecot (``tests/interop/dovecot.py``) gets ``--messages`` seeded, generated
messages (stdlib ``email``: plain text, multipart/alternative, attachments, inline images,
forwarded messages, RFC 2047 subjects and names, several recipients, varied flags) written
straight into alice's INBOX. Every contender then does, on a fresh connection of its own (the
connection and the login are not timed)::

    SELECT INBOX
    FETCH 1:* (FLAGS ENVELOPE BODYSTRUCTURE)

and the clock stops when the results are in the caller's hands:

* ``pymailproto sync fetch``: ``sync.IMAPClient.select()`` + ``fetch()`` -> ``dict`` of typed
  ``FetchData`` (``Flag`` tuples, ``Envelope``, ``BodyStructure``);
* ``pymailproto sync iter_fetch``: the same through the streaming ``iter_fetch()``, collected
  into a dict by the caller;
* ``pymailproto asyncio fetch``: ``aio.IMAPClient``, timed inside the coroutine (the event loop
  is started outside the clock);
* ``imapclient fetch``: ``IMAPClient.select_folder()`` + ``fetch()`` -> dicts of parsed values
  (ints, bytes tuples, its ``Envelope``/``Address`` and ``BodyData``). ``use_uid=False``, so it
  sends ``FETCH`` as the others do (``--uid``: everyone sends ``UID FETCH``), but with the
  message numbers ``1,2,...,N`` for ``1:*``, which imapclient 4.1 cannot take
  (mjs/imapclient#666); the response is the same. The baseline of the ratios.
* ``imaplib``: ``select()`` + ``fetch()`` -> imaplib's raw lines and literals, not parsed: the
  cost of reading the response off the socket with the standard library, a floor for a
  client that parses.

Dovecot builds its index on the first SELECT and caches BODYSTRUCTURE (and the envelope
fields) on the first FETCH of them, so two untimed warm-up SELECT + FETCH (imaplib) come
before anything else; every contender then sees the same warm state. Dovecot runs one
``imap`` process per connection, so every run also starts with a fresh server process.

Rounds: each round runs every contender once, in an order rotated from round to round, so a
change in the machine's load touches all of them alike; the best round of each counts. Before
the rounds, one checking run per contender (untimed): every one must return ``--messages``
results; our typed subjects, message-ids and flags must equal imapclient's for every message;
our decoded subject of every message must be the one generated, and that of message 1 (an
RFC 2047 one) must also equal imapclient's raw subject decoded by ``email.header``.

``--pin`` places this process and Dovecot on CPUs as in the SMTP benchmarks (README.md);
default ``split``: this process on the first CPU, Dovecot on the second.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import email.header
import email.policy
import email.utils
import gc
import imaplib
import json
import os
import platform
import random
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any, NamedTuple

import trustme
from _common import PLACEMENTS, Placement, format_table, load_note, pin, ratio, revision

from pymailproto import TLSMode
from pymailproto.aio import IMAPClient as AsyncIMAPClient
from pymailproto.imap import FetchData
from pymailproto.sync import IMAPClient

try:
    import imapclient  # type: ignore[import-untyped]
except ImportError:  # a benchmark-only dependency
    sys.exit("imapclient is missing: .venv/bin/pip install -r benchmarks/requirements.txt")

# The Dovecot fixture lives with the interop tests (it imports nothing from pytest).
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.interop.dovecot import Dovecot, dovecot_binary  # noqa: E402

USER, PASSWORD = "alice", "wonderland"
HOST = "127.0.0.1"
ITEMS = ["FLAGS", "ENVELOPE", "BODYSTRUCTURE"]
ITEMS_TEXT = "(" + " ".join(ITEMS) + ")"
TIMEOUT = 120.0

# Contender names (for --contenders), in table order, and their labels.
CONTENDERS = ("sync", "sync-iter", "asyncio", "imapclient", "imaplib")
LABELS = {
    "sync": "pymailproto sync fetch (typed)",
    "sync-iter": "pymailproto sync iter_fetch (typed, streamed)",
    "asyncio": "pymailproto asyncio fetch (typed)",
    "imapclient": "imapclient fetch (parsed)",
    "imaplib": "imaplib (raw bytes, not parsed)",
}
OURS = ("sync", "sync-iter", "asyncio")


# --------------------------------------------------------------------------- the messages

FIRST = ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy"]
LAST = ["Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Walker", "Wright", "Green"]
INTL_NAMES = [
    "Jürgen Müller",
    "Zoë Brontë",
    "François Lefèvre",
    "José Núñez",
    "Søren Kierkegaard",
    "Łukasz Żółć",
    "山田 太郎",
    "Ελένη Παπαδοπούλου",
    "Иван Петров",
    "Ayşe Yılmaz",  # noqa: RUF001 - a Turkish dotless i, on purpose
]
DOMAINS = ["example.com", "example.org", "mail.example.net", "corp.example", "uni.example.edu"]
ASCII_SUBJECTS = [
    "Quarterly report",
    "Lunch on Friday?",
    "Meeting notes {n}",
    "Invoice #{n} from Example Corp",
    "[dev-list] Build failure on main ({n})",
    "Your order {n} has shipped",
    "Design review: the new login page",
    "Reminder: timesheets are due",
    "Photos from the trip",
    "[announce] Release {n} is out",
    'The "final" version, really',
    "Budget 2027 - please read before Monday's meeting, it has changed since last week",
]
INTL_SUBJECTS = [
    "Grüße aus Köln",
    "Café meeting — agenda for {n}",
    "Réunion du comité de rédaction",
    "会議の議事録 {n}",
    "Отчёт за квартал",
    "Ταξίδι στην Αθήνα",
    "Résumé: naïve façade",
    "Rechnung Nr. {n} über 1.234,56 €",
    "Party on Saturday 🎉",
    "Çok önemli: sözleşme taslağı ve ekleri, lütfen cuma gününe kadar inceleyin",  # noqa: RUF001
]
WORDS = (  # noqa: SIM905 - a list of 66 one-word strings reads worse
    "the of and to in is that for it as was with be by on not he this are or his from at "
    "which but have an they you were her she there been one all we their has would when if "
    "so no will more about up out them some could what into than then its time only new "
    "Grüße café naïve déjà señor Straße"
).split()
ATTACHMENTS = [
    ("application", "pdf", "report-{n}.pdf"),
    ("image", "png", "screenshot {n}.png"),
    ("text", "csv", "figures-{n}.csv"),
    ("application", "zip", "archive.zip"),
    ("image", "jpeg", "Übersicht_{n}.jpg"),
    ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document", "Angebot.docx"),
]
#: Maildir info letters (None: delivered to new/, no flags) and their weights.
FLAG_CHOICES: list[tuple[str | None, int]] = [
    ("S", 55),
    (None, 15),
    ("", 10),
    ("RS", 10),
    ("FS", 5),
    ("PS", 3),
    ("DS", 2),
]


@dataclass(frozen=True)
class Generated:
    data: bytes
    flags: str | None  # Maildir info letters, None for new/
    subject: str
    message_id: str


def _person(rng: random.Random) -> str:
    if rng.random() < 0.25:
        name = rng.choice(INTL_NAMES)
        local = f"user{rng.randrange(1000)}"
    else:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name, local = f"{first} {last}", f"{first}.{last}".lower()
    address = f"{local}@{rng.choice(DOMAINS)}"
    return address if rng.random() < 0.15 else email.utils.formataddr((name, address))


def _text(rng: random.Random, lines: int) -> str:
    return "\n".join(
        " ".join(rng.choice(WORDS) for _ in range(rng.randrange(6, 13))) for _ in range(lines)
    )


def make_message(n: int, rng: random.Random) -> Generated:
    """Message ``n`` (0-based) of the mailbox: headers and MIME structure vary with ``rng``."""
    msg = EmailMessage()
    # Message 1 always has an RFC 2047 subject: the sanity check compares its decoding.
    intl = n == 0 or rng.random() < 0.3
    subject = rng.choice(INTL_SUBJECTS if intl else ASCII_SUBJECTS).format(n=n + 1)
    reply = rng.random() < 0.3
    if reply:
        subject = rng.choice(["Re: ", "RE: ", "Re: Re: ", "Fwd: ", "AW: "]) + subject
    domain = rng.choice(DOMAINS)
    message_id = f"<{n + 1}.{rng.getrandbits(40):010x}@{domain}>"
    msg["From"] = _person(rng)
    msg["To"] = ", ".join(_person(rng) for _ in range(rng.choice([1, 1, 1, 2, 3, 5])))
    if rng.random() < 0.3:
        msg["Cc"] = ", ".join(_person(rng) for _ in range(rng.randrange(1, 4)))
    if rng.random() < 0.1:
        msg["Reply-To"] = _person(rng)
    msg["Subject"] = subject
    when = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(
        seconds=n * 2_500 + rng.randrange(2_000)
    )
    msg["Date"] = email.utils.format_datetime(when)
    msg["Message-ID"] = message_id
    if reply:
        msg["In-Reply-To"] = f"<{rng.getrandbits(40):010x}@{rng.choice(DOMAINS)}>"
    text = _text(rng, rng.randrange(3, 40))
    kind = rng.random()
    if kind < 0.35:  # text/plain
        msg.set_content(text)
    elif kind < 0.65:  # multipart/alternative
        msg.set_content(text)
        paragraphs = "".join(f"<p>{line}</p>\n" for line in text.split("\n"))
        msg.add_alternative(f"<html><body>\n{paragraphs}</body></html>\n", subtype="html")
    elif kind < 0.87:  # multipart/mixed: a body (sometimes alternative), 1-3 attachments
        msg.set_content(text)
        if rng.random() < 0.5:
            msg.add_alternative(f"<html><body><pre>{text}</pre></body></html>\n", subtype="html")
        for _ in range(rng.choice([1, 1, 2, 3])):
            maintype, subtype, filename = rng.choice(ATTACHMENTS)
            payload = rng.randbytes(rng.randrange(500, 12_000))
            msg.add_attachment(
                payload, maintype=maintype, subtype=subtype, filename=filename.format(n=n + 1)
            )
    elif kind < 0.94:  # multipart/related: HTML with an inline image
        msg.set_content(text)
        cid = email.utils.make_msgid(idstring=str(n + 1), domain=domain)
        msg.add_alternative(
            f'<html><body><img src="cid:{cid[1:-1]}"><pre>{text}</pre></body></html>\n',
            subtype="html",
        )
        html = msg.get_payload()[1]  # type: ignore[index]
        assert isinstance(html, EmailMessage)
        html.add_related(rng.randbytes(rng.randrange(300, 4_000)), "image", "png", cid=cid)
    else:  # a forwarded message (message/rfc822)
        msg.set_content("See the message below.\n\n" + text)
        inner = EmailMessage()
        inner["From"] = _person(rng)
        inner["To"] = _person(rng)
        inner["Subject"] = rng.choice(INTL_SUBJECTS).format(n=n)
        inner["Date"] = email.utils.format_datetime(when - datetime.timedelta(days=2))
        inner["Message-ID"] = f"<fwd.{n + 1}@{rng.choice(DOMAINS)}>"
        inner.set_content(_text(rng, rng.randrange(2, 10)))
        msg.add_attachment(inner)
    letters = rng.choices([f for f, _ in FLAG_CHOICES], [w for _, w in FLAG_CHOICES])[0]
    return Generated(msg.as_bytes(policy=email.policy.SMTP), letters, subject, message_id)


def make_messages(count: int, seed: int) -> list[Generated]:
    rng = random.Random(seed)
    return [make_message(n, rng) for n in range(count)]


# --------------------------------------------------------------------------- the contenders


@dataclass(frozen=True)
class Endpoint:
    port: int
    context: ssl.SSLContext | None  # implicit TLS with this context; None: plaintext
    uid: bool  # UID FETCH instead of FETCH


class Timing(NamedTuple):
    results: int  # how many results the caller got
    seconds: float  # wall time of SELECT + FETCH
    cpu: float  # this process's CPU time over the same span
    value: Any  # the results themselves, only for the checking run


Runner = Callable[[Endpoint, bool], Timing]


def _ours(endpoint: Endpoint) -> dict[str, Any]:
    if endpoint.context is None:
        return {"tls": TLSMode.PLAINTEXT, "allow_plaintext_auth": True, "timeout": TIMEOUT}
    return {"tls": TLSMode.IMPLICIT, "ssl_context": endpoint.context, "timeout": TIMEOUT}


@dataclass
class Span:
    seconds: float = 0.0
    cpu: float = 0.0


@contextlib.contextmanager
def _clock() -> Iterator[Span]:
    """Collect garbage, then time the block: the Span is filled in when it ends."""
    gc.collect()  # the previous run's garbage is not this one's cost
    span = Span()
    cpu, start = time.process_time(), time.perf_counter()
    yield span
    span.seconds, span.cpu = time.perf_counter() - start, time.process_time() - cpu


def run_sync(endpoint: Endpoint, keep: bool) -> Timing:
    with IMAPClient(HOST, endpoint.port, **_ours(endpoint)) as client:
        client.login(USER, PASSWORD)
        with _clock() as span:
            client.select("INBOX")
            result = client.fetch("1:*", ITEMS, uid=endpoint.uid)
        return Timing(len(result), span.seconds, span.cpu, result if keep else None)


def run_sync_iter(endpoint: Endpoint, keep: bool) -> Timing:
    with IMAPClient(HOST, endpoint.port, **_ours(endpoint)) as client:
        client.login(USER, PASSWORD)
        with _clock() as span:
            client.select("INBOX")
            result: dict[int, FetchData] = {}
            for response in client.iter_fetch("1:*", ITEMS, uid=endpoint.uid):
                data = response.data
                result[data.uid if endpoint.uid else response.number] = data  # type: ignore[index]
        return Timing(len(result), span.seconds, span.cpu, result if keep else None)


def run_asyncio(endpoint: Endpoint, keep: bool) -> Timing:
    async def run() -> Timing:
        async with AsyncIMAPClient(HOST, endpoint.port, **_ours(endpoint)) as client:
            await client.login(USER, PASSWORD)
            with _clock() as span:
                await client.select("INBOX")
                result = await client.fetch("1:*", ITEMS, uid=endpoint.uid)
            return Timing(len(result), span.seconds, span.cpu, result if keep else None)

    return asyncio.run(run())


def run_imapclient(endpoint: Endpoint, keep: bool) -> Timing:
    client = imapclient.IMAPClient(
        HOST,
        endpoint.port,
        ssl=endpoint.context is not None,
        ssl_context=endpoint.context,
        use_uid=endpoint.uid,
        timeout=TIMEOUT,
    )
    try:
        client.login(USER, PASSWORD)
        with _clock() as span:
            exists = client.select_folder("INBOX")[b"EXISTS"]
            # Not "1:*": imapclient 4.1 cannot take a sequence set there (mjs/imapclient#666,
            # fetch() keeps only the results whose ids int() accepts). The message numbers
            # instead ("1,2,...,N"; with --uid the UIDs, which are 1..N in this new mailbox).
            result = client.fetch(range(1, exists + 1), ITEMS)
        return Timing(len(result), span.seconds, span.cpu, result if keep else None)
    finally:
        client.logout()


def _imaplib_fetch(imap: imaplib.IMAP4, uid: bool) -> list[Any]:
    """SELECT + FETCH through imaplib: what it collected under "FETCH", unparsed."""
    data: list[Any]
    typ, data = imap.select("INBOX")
    if typ != "OK":
        raise RuntimeError(f"imaplib: SELECT gave {typ} {data!r}")
    if uid:
        typ, data = imap.uid("FETCH", "1:*", ITEMS_TEXT)
    else:
        typ, data = imap.fetch("1:*", ITEMS_TEXT)
    if typ != "OK":
        raise RuntimeError(f"imaplib: FETCH gave {typ} {data!r}")
    return data


def _imaplib_connect(endpoint: Endpoint) -> imaplib.IMAP4:
    if endpoint.context is None:
        imap = imaplib.IMAP4(HOST, endpoint.port, timeout=TIMEOUT)
    else:
        imap = imaplib.IMAP4_SSL(HOST, endpoint.port, ssl_context=endpoint.context, timeout=TIMEOUT)
    imap.login(USER, PASSWORD)
    return imap


def run_imaplib(endpoint: Endpoint, keep: bool) -> Timing:
    imap = _imaplib_connect(endpoint)
    try:
        with _clock() as span:
            data = _imaplib_fetch(imap, endpoint.uid)
        # One bytes item ends every response (after a (line, literal) tuple per literal).
        count = sum(1 for item in data if type(item) is bytes)
        return Timing(count, span.seconds, span.cpu, data if keep else None)
    finally:
        imap.logout()


RUNNERS: dict[str, Runner] = {
    "sync": run_sync,
    "sync-iter": run_sync_iter,
    "asyncio": run_asyncio,
    "imapclient": run_imapclient,
    "imaplib": run_imaplib,
}


# --------------------------------------------------------------------------- checks


def _fail(message: str) -> None:
    raise SystemExit(f"CHECK FAILED: {message}")


def check(checked: dict[str, Timing], messages: Sequence[Generated]) -> list[str]:
    """The checking run's results: counts for all; values of ours against imapclient's."""
    count = len(messages)
    for name, timing in checked.items():
        if timing.results != count:
            _fail(f"{LABELS[name]} returned {timing.results} results, expected {count}")
    notes = [f"every contender returned {count:,} results"]
    theirs = checked.get("imapclient")
    by_id = {m.message_id: m for m in messages}
    for name in OURS:
        if name not in checked:
            continue
        ours: dict[int, FetchData] = checked[name].value
        for key, data in ours.items():
            envelope, flags = data.envelope, data.flags
            if envelope is None or flags is None or data.bodystructure is None:
                _fail(f"{LABELS[name]}: message {key} lacks an item: {data!r}")
            assert envelope is not None  # for mypy
            assert flags is not None
            generated = by_id.get((envelope.message_id or b"").decode("ascii"))
            if generated is None:
                _fail(f"{LABELS[name]}: message {key} has an unknown message-id {envelope!r}")
            assert generated is not None
            if envelope.decoded_subject() != generated.subject:
                _fail(
                    f"{LABELS[name]}: message {key}: decoded subject "
                    f"{envelope.decoded_subject()!r}, generated {generated.subject!r}"
                )
            if theirs is None:
                continue
            other = theirs.value.get(key)
            if other is None:
                _fail(f"imapclient has no message {key}")
            their_envelope = other[b"ENVELOPE"]
            their_flags = {f.decode("ascii").lower() for f in other[b"FLAGS"]}
            checks = {
                "raw subject": (envelope.subject, their_envelope.subject),
                "message-id": (envelope.message_id, their_envelope.message_id),
                "flags": ({f.name.lower() for f in flags}, their_flags),
                "multipart": (
                    type(data.bodystructure).__name__ == "MultipartBody",
                    other[b"BODYSTRUCTURE"].is_multipart,
                ),
            }
            for what, (mine, its) in checks.items():
                if mine != its:
                    _fail(f"message {key}: {LABELS[name]} has {what} {mine!r}, imapclient {its!r}")
        notes.append(
            f"{LABELS[name]}: decoded subjects equal the generated ones"
            + (", subjects, message-ids, flags equal imapclient's" if theirs else "")
        )
    if theirs is not None and "sync" in checked:
        first_key = min(checked["sync"].value)
        ours_first = checked["sync"].value[first_key].envelope.decoded_subject()
        raw = theirs.value[first_key][b"ENVELOPE"].subject
        decoded = str(email.header.make_header(email.header.decode_header(raw.decode("ascii"))))
        if ours_first != decoded or not raw.startswith(b"=?"):
            _fail(
                f"message 1: our subject {ours_first!r}, imapclient's {raw!r} decodes to "
                f"{decoded!r}"
            )
        notes.append(f"message 1's subject {raw.decode()!r} decodes to {decoded!r} in both")
    return notes


def response_octets(data: list[Any]) -> int:
    """The size of what imaplib collected: lines, and (line, literal) tuples."""
    return sum(len(item) if type(item) is bytes else len(item[0]) + len(item[1]) for item in data)


# --------------------------------------------------------------------------- setup


def make_certs(directory: Path) -> tuple[Path, Path, ssl.SSLContext]:
    """A trustme CA and a certificate for 127.0.0.1: (cert file, key file, client context)."""
    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert.private_key_pem.write_to_path(str(key_file))
    cert_file.write_bytes(b"".join(blob.bytes() for blob in cert.cert_chain_pems))
    client = ssl.create_default_context()
    ca.configure_trust(client)
    return cert_file, key_file, client


def populate(dovecot: Dovecot, messages: Sequence[Generated]) -> None:
    # One call per message: populate() takes one set of flags per call.
    for message in messages:
        dovecot.populate(USER, "INBOX", [message.data], flags=message.flags)


def warm_up(endpoint: Endpoint, count: int) -> list[float]:
    """Two SELECT + FETCH through imaplib: the first builds Dovecot's index and cache."""
    times = []
    for _ in range(2):
        imap = _imaplib_connect(endpoint)
        try:
            start = time.perf_counter()
            data = _imaplib_fetch(imap, endpoint.uid)
            times.append(time.perf_counter() - start)
        finally:
            imap.logout()
        seen = sum(1 for item in data if type(item) is bytes)
        if seen != count:
            _fail(f"warm-up: Dovecot returned {seen} messages, {count} were written")
    return times


@contextlib.contextmanager
def py_spy(output: Path | None, rate: int) -> Iterator[None]:
    """With ``output``, record this process with py-spy (raw format) while the block runs."""
    if output is None:
        yield
        return
    binary = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    output.parent.mkdir(parents=True, exist_ok=True)
    argv = [binary, "record", "--pid", str(os.getpid()), "--rate", str(rate)]
    argv += ["--format", "raw", "-o", str(output)]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(1.0)  # attaching takes a moment
    if proc.poll() is not None:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"py-spy did not start: {err}")
    try:
        yield
    finally:
        proc.send_signal(signal.SIGINT)  # py-spy writes the profile on SIGINT
        proc.wait(30)
        if proc.stderr is not None:
            proc.stderr.close()
        print(f"# py-spy profile: {output}")


# --------------------------------------------------------------------------- report


def report(best: dict[str, Timing], count: int) -> str:
    base = best.get("imapclient")
    floor = best.get("imaplib")
    headers = ["contender", "best s", "msg/s", "client CPU s", "vs imapclient", "vs imaplib raw"]
    rows = []
    for name in CONTENDERS:
        if name not in best:
            continue
        t = best[name]
        rows.append(
            [
                LABELS[name],
                f"{t.seconds:.3f}",
                f"{count / t.seconds:,.0f}",
                f"{t.cpu:.3f}",
                ratio(base.seconds / t.seconds) if base else "-",
                ratio(floor.seconds / t.seconds) if floor else "-",
            ]
        )
    return format_table(headers, rows)


def verdict(best: dict[str, Timing]) -> list[str]:
    base = best.get("imapclient")
    if base is None:
        return ["target not judged: imapclient was not run"]
    lines = []
    for name in OURS:
        if name in best:
            speed = base.seconds / best[name].seconds
            met = "met" if speed > 1.0 else "NOT met"
            lines.append(f"{LABELS[name]}: {ratio(speed)} imapclient's speed: {met}")
    return ["target: faster than imapclient while returning typed results", *lines]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000, help="messages in the mailbox")
    parser.add_argument("--repeat", type=int, default=5, help="rounds; the best counts")
    parser.add_argument("--quick", action="store_true", help="1,000 messages, 2 rounds")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generated mail")
    parser.add_argument("--contenders", default=",".join(CONTENDERS), help="comma-separated subset")
    parser.add_argument("--tls", action="store_true", help="implicit TLS (trustme CA) for all")
    parser.add_argument("--uid", action="store_true", help="UID FETCH instead of FETCH for all")
    parser.add_argument(
        "--pin",
        choices=PLACEMENTS,
        default="split",
        help="CPUs: split (this process on one, Dovecot on another), same, none",
    )
    parser.add_argument(
        "--py-spy",
        type=Path,
        metavar="FILE",
        help="record the timed rounds with py-spy (raw format) into FILE; times are inflated",
    )
    parser.add_argument("--py-spy-rate", type=int, default=500, help="py-spy samples per second")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    count, rounds = (1_000, 2) if args.quick else (args.messages, args.repeat)
    contenders = [c for c in args.contenders.split(",") if c]
    unknown = set(contenders) - set(CONTENDERS)
    if unknown:
        parser.error(f"unknown contenders: {sorted(unknown)}; choose from {CONTENDERS}")
    if dovecot_binary() is None:
        raise SystemExit("dovecot is not installed (apt-get install dovecot-imapd)")

    print(f"# IMAP client benchmark, {datetime.date.today().isoformat()}")
    print(
        f"# {revision()}, {platform.python_implementation()} {platform.python_version()}, "
        f"imapclient {imapclient.__version__}"
    )
    print(f"# {load_note()}")
    started = time.perf_counter()
    messages = make_messages(count, args.seed)
    size = sum(len(m.data) for m in messages)
    print(
        f"# {count:,} messages generated (seed {args.seed}), {size / 1e6:.1f} MB, "
        f"in {time.perf_counter() - started:.1f} s"
    )
    where = Placement.choose(args.pin)
    print(f"# {where.describe().replace('load side', 'clients').replace('server side', 'Dovecot')}")
    pin(os.getpid(), where.load)

    with tempfile.TemporaryDirectory(prefix="imap-bench-certs-") as tmp:
        cert_file, key_file, client_context = make_certs(Path(tmp))
        with Dovecot(cert_file, key_file) as dovecot:
            for pid in dovecot.processes():  # children started later inherit the placement
                pin(pid, where.server)
            populate(dovecot, messages)
            endpoint = Endpoint(
                dovecot.tls_port if args.tls else dovecot.port,
                client_context if args.tls else None,
                args.uid,
            )
            command = "UID FETCH" if args.uid else "FETCH"
            print(
                f"# Dovecot {dovecot.binary}, {'implicit TLS' if args.tls else 'plaintext'} "
                f"on 127.0.0.1; timed: SELECT INBOX + {command} 1:* {ITEMS_TEXT}"
            )
            first, second = warm_up(endpoint, count)
            print(
                f"# warm-up (imaplib, untimed): first SELECT + {command} {first:.2f} s "
                f"(Dovecot builds its index and caches BODYSTRUCTURE), second {second:.2f} s; "
                "every contender below sees this same warm cache"
            )
            checked = {name: RUNNERS[name](endpoint, True) for name in contenders}
            for note in check(checked, messages):
                print(f"# check: {note}")
            if "imaplib" in checked:
                octets = response_octets(checked["imaplib"].value)
                print(
                    f"# the FETCH response: {octets / 1e6:.1f} MB, {octets / count:,.0f} octets "
                    "per message (what imaplib read, line ends not counted)"
                )
            del checked

            runs: dict[str, list[Timing]] = {name: [] for name in contenders}
            with py_spy(args.py_spy, args.py_spy_rate):
                for round_no in range(rounds):
                    # Round-robin, starting one further each round.
                    shift = round_no % len(contenders)
                    for name in contenders[shift:] + contenders[:shift]:
                        timing = RUNNERS[name](endpoint, False)
                        if timing.results != count:
                            _fail(f"{LABELS[name]} returned {timing.results} results")
                        runs[name].append(timing)
                        print(
                            f"  round {round_no + 1}  {LABELS[name]:<46} {timing.seconds:7.3f} s"
                            f"  {count / timing.seconds:>8,.0f} msg/s  CPU {timing.cpu:6.3f} s",
                            flush=True,
                        )

    best = {name: min(timings, key=lambda t: t.seconds) for name, timings in runs.items()}
    print()
    print(f"{count:,} messages, best of {rounds} rounds:")
    print(report(best, count))
    print()
    for line in verdict(best):
        print(line)
    print(f"\n# {time.perf_counter() - started:.0f} s in all; after the run: {load_note()}")
    if args.json:
        results = {
            "date": datetime.date.today().isoformat(),
            "revision": revision(),
            "python": platform.python_version(),
            "imapclient": imapclient.__version__,
            "messages": count,
            "octets": size,
            "rounds": rounds,
            "tls": args.tls,
            "uid": args.uid,
            "pin": args.pin,
            "results": [
                {
                    "contender": LABELS[name],
                    "seconds": t.seconds,
                    "cpu_seconds": t.cpu,
                    "messages_per_s": count / t.seconds,
                }
                for name, t in best.items()
            ],
        }
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
