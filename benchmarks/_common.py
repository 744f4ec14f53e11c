"""What the SMTP benchmarks share: Postfix's test tools, ports, /proc readings, tables.

Only the standard library is imported here: the server children import this module too, and
what they import counts in their peak RSS.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BENCH_DIR",
    "HOSTNAME",
    "PLACEMENTS",
    "RECIPIENT",
    "SENDER",
    "Placement",
    "SmtpSink",
    "cpu_seconds",
    "find_postfix_tool",
    "format_table",
    "free_port",
    "load_note",
    "make_message",
    "pin",
    "proc_status_kib",
    "ratio",
    "revision",
    "smtp_sink",
    "stop_process",
    "wait_for_port",
]

BENCH_DIR = Path(__file__).resolve().parent
#: The name every client says in EHLO/HELO, and the domain of the envelope addresses.
HOSTNAME = "bench.example"
SENDER = f"sender@{HOSTNAME}"
RECIPIENT = f"rcpt@{HOSTNAME}"

#: Where Debian's ``postfix`` package puts ``smtp-source`` and ``smtp-sink``.
_POSTFIX_DIRS = ("/usr/sbin", "/usr/lib/postfix/sbin", "/usr/libexec/postfix", "/sbin")


@dataclass(frozen=True)
class Placement:
    """Which CPUs the load side (client, smtp-source) and the server side run on.

    On a small VM the placement decides the regime more than anything else: two processes
    that answer each other on *different* CPUs pay a cross-CPU wake-up per message exchange
    (an idle vCPU has to be woken), so throughput is bound by round trips, as over a network;
    on the *same* CPU the hand-over is cheap and throughput is bound by the CPU both sides
    burn. ``split`` is the default: each side has a CPU of its own, like two machines.
    """

    name: str
    load: frozenset[int] | None
    server: frozenset[int] | None

    @classmethod
    def choose(cls, name: str) -> Placement:
        cpus = sorted(os.sched_getaffinity(0))
        if name == "none":
            return cls(name, None, None)
        if name == "same":
            return cls(name, frozenset(cpus[:1]), frozenset(cpus[:1]))
        if name == "split":
            if len(cpus) < 2:
                raise SystemExit("--pin split needs two CPUs")
            return cls(name, frozenset(cpus[:1]), frozenset(cpus[1:2]))
        raise ValueError(name)

    def describe(self) -> str:
        if self.load is None or self.server is None:
            return "pin none (the scheduler places both sides)"
        return (
            f"pin {self.name}: load side on CPU {','.join(map(str, sorted(self.load)))}, "
            f"server side on CPU {','.join(map(str, sorted(self.server)))}"
        )


#: The --pin choices, for argparse.
PLACEMENTS = ("split", "same", "none")


def pin(pid: int, cpus: frozenset[int] | None) -> None:
    """Pin every thread of process ``pid`` to ``cpus`` (no-op for None)."""
    if cpus is None:
        return
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(ProcessLookupError):  # a thread that just ended
            os.sched_setaffinity(int(task.name), cpus)


def find_postfix_tool(name: str) -> str:
    """The path of ``smtp-source`` or ``smtp-sink``; exits with an install hint if missing."""
    found = shutil.which(name)
    if found:
        return found
    for directory in _POSTFIX_DIRS:
        candidate = Path(directory) / name
        if os.access(candidate, os.X_OK):
            return str(candidate)
    raise SystemExit(
        f"{name} not found: install Postfix's test tools without running Postfix, e.g.\n"
        "  echo 'postfix postfix/main_mailer_type select No configuration' "
        "| debconf-set-selections\n"
        "  DEBIAN_FRONTEND=noninteractive apt-get install -y postfix"
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (for programs that need a number)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, timeout: float, proc: subprocess.Popen[bytes] | None = None) -> None:
    """Wait until something accepts connections on 127.0.0.1:``port``."""
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listens on port {port} after {timeout}s") from None
            time.sleep(0.02)


def proc_status_kib(pid: int, field: str) -> int:
    """A ``kB`` field of /proc/PID/status (``VmHWM`` = peak RSS, ``VmRSS`` = current)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (all its threads)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    # The command name is in parentheses and may contain spaces: split after it.
    fields = stat[stat.rindex(")") + 2 :].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def stop_process(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """Ask a child we started to stop (SIGTERM), then kill it if it does not."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class SmtpSink:
    """A running Postfix ``smtp-sink``: accepts mail, throws it away, as fast as C allows."""

    proc: subprocess.Popen[bytes]
    port: int

    @property
    def pid(self) -> int:
        return self.proc.pid


@contextlib.contextmanager
def smtp_sink(
    extra_args: Sequence[str] = (), cpus: frozenset[int] | None = None
) -> Iterator[SmtpSink]:
    """Start ``smtp-sink`` on a free port of 127.0.0.1 (pinned to ``cpus``); stop it on exit."""
    binary = find_postfix_tool("smtp-sink")
    # smtp-sink refuses to run as root unless told which user to become (-u).
    user = ["-u", "nobody"] if os.geteuid() == 0 else []
    last_error: Exception | None = None
    for _attempt in range(5):  # the free port may be taken between picking and binding
        port = free_port()
        # -h: the greeting name; backlog 256 so 20 sessions never queue in the kernel.
        argv = [binary, *user, "-h", "sink.example", *extra_args, f"127.0.0.1:{port}", "256"]
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
        pin(proc.pid, cpus)  # smtp-sink is one single-threaded process
        try:
            wait_for_port(port, 5, proc)
        except (RuntimeError, TimeoutError) as exc:
            stop_process(proc)
            last_error = exc
            continue
        try:
            yield SmtpSink(proc, port)
        finally:
            stop_process(proc)
            if proc.stderr is not None:
                proc.stderr.close()
        return
    raise RuntimeError(f"could not start smtp-sink: {last_error}")


def make_message(size: int) -> bytes:
    """An RFC 5322 message whose body is ``size`` octets of 78-character lines, CRLF ends."""
    header = (
        f"From: <{SENDER}>\r\nTo: <{RECIPIENT}>\r\nSubject: benchmark\r\n"
        f"Message-ID: <bench@{HOSTNAME}>\r\n\r\n"
    ).encode()
    line = b"X" * 78 + b"\r\n"
    body = (line * (size // len(line) + 1))[:size]
    if not body.endswith(b"\r\n"):
        body = body[:-2] + b"\r\n"
    return header + body


def revision() -> str:
    """The pymailproto source measured: the git commit, ``+dirty`` if src/ has changes."""
    root = BENCH_DIR.parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "src"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "pymailproto (not a git checkout)"
    return f"pymailproto {commit}{'+dirty' if dirty else ''}"


def load_note() -> str:
    """The machine: CPU count and load averages, for the record."""
    load1, load5, _ = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {load1:.2f} (1 min) {load5:.2f} (5 min)"


def ratio(value: float) -> str:
    """``1.23x``; small ratios keep three decimals so they do not read as zero."""
    return f"{value:.2f}x" if value >= 0.1 else f"{value:.3f}x"


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured Markdown table, columns padded so it reads well in a terminal."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    right = [i > 0 for i in range(len(headers))]  # numbers right-aligned, the first column not

    def line(cells: Sequence[str]) -> str:
        padded = [
            str(c).rjust(w) if r else str(c).ljust(w)
            for c, w, r in zip(cells, widths, right, strict=True)
        ]
        return "| " + " | ".join(padded) + " |"

    rule = (
        "|"
        + "|".join(
            ("-" * (w + 1) + ":") if r else ("-" * (w + 2))
            for w, r in zip(widths, right, strict=True)
        )
        + "|"
    )
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])
