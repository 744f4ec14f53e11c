"""SMTP server throughput and memory: pymailproto (asyncio, threaded) vs aiosmtpd vs smtp-sink.

Postfix's ``smtp-source`` (C, event-driven, one connection reused per session with ``-d``)
sends the load; every server discards the mail. Each server runs in a child process of its
own, started afresh for every scenario, so its peak RSS (``VmHWM`` from /proc) and CPU time
are its alone. Postfix's ``smtp-sink`` (C) is the ceiling: what ``smtp-source`` and the
machine can do when the server costs nearly nothing.

    .venv/bin/python benchmarks/smtp_server.py            # the full run (about 2 minutes)
    .venv/bin/python benchmarks/smtp_server.py --quick    # a tenth of the messages
    .venv/bin/python benchmarks/smtp_server.py --servers asyncio,aiosmtpd --repeat 3

``--py-spy DIR`` attaches ``py-spy record`` to each Python server for the measured runs and
leaves a collapsed-stack profile per server and scenario in DIR (summarise them with
``benchmarks/profile_summary.py``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from _common import (
    BENCH_DIR,
    HOSTNAME,
    PLACEMENTS,
    RECIPIENT,
    SENDER,
    Placement,
    cpu_seconds,
    find_postfix_tool,
    format_table,
    load_note,
    pin,
    proc_status_kib,
    ratio,
    revision,
    smtp_sink,
    stop_process,
)

SERVERS = ("asyncio", "threaded", "aiosmtpd", "smtp-sink")
#: Not run unless asked for (--servers): a reference point, not an SMTP server.
EXTRA_SERVERS = ("asyncio-floor",)
LABELS = {
    "asyncio-floor": "asyncio floor (canned)",
    "asyncio": "pymailproto asyncio",
    "threaded": "pymailproto threaded",
    "aiosmtpd": "aiosmtpd (Controller)",
    "smtp-sink": "Postfix smtp-sink (C)",
}
BASELINE = "aiosmtpd"


@dataclass(frozen=True)
class Scenario:
    key: str
    messages: int
    size: int  # octets of message body (smtp-source -l), headers come on top
    sessions: int

    @property
    def title(self) -> str:
        size = f"{self.size // 1024} KB"
        plural = "session" if self.sessions == 1 else "sessions"
        return f"{self.messages:,} x {size}, {self.sessions} {plural}"


SCENARIOS = (
    Scenario("1k-1", 20_000, 1024, 1),
    Scenario("1k-20", 20_000, 1024, 20),
    Scenario("100k-20", 2_000, 100 * 1024, 20),
)


@dataclass
class Result:
    server: str
    scenario: str
    messages: int
    seconds: float
    msgs_per_s: float
    peak_rss_kib: int
    cpu_s: float  # server CPU during the measured runs (best run)


@dataclass
class RunningServer:
    proc: subprocess.Popen[bytes]
    port: int


@contextlib.contextmanager
def python_server(kind: str, cpus: frozenset[int] | None) -> Iterator[RunningServer]:
    """One of our Python servers in a child process of its own."""
    proc = subprocess.Popen(
        [sys.executable, str(BENCH_DIR / "_serve.py"), kind],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        if not line.startswith("PORT "):
            raise RuntimeError(f"the {kind} server did not start (said {line!r})")
        pin(proc.pid, cpus)  # its threads so far; later ones inherit from them
        yield RunningServer(proc, int(line.split()[1]))
    finally:
        if proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()  # the child's signal to stop cleanly
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            stop_process(proc)
        if proc.stdout is not None:
            proc.stdout.close()


@contextlib.contextmanager
def server(kind: str, cpus: frozenset[int] | None) -> Iterator[RunningServer]:
    if kind == "smtp-sink":
        with smtp_sink(cpus=cpus) as sink:
            yield RunningServer(sink.proc, sink.port)
    else:
        with python_server(kind, cpus) as running:
            yield running


def smtp_source(
    port: int, scenario: Scenario, messages: int, cpus: frozenset[int] | None, timeout: float
) -> float:
    """Send the load with ``smtp-source``; return the wall-clock seconds it took."""
    argv = [
        find_postfix_tool("smtp-source"),
        "-d",  # keep each session's connection for all its messages
        "-s",
        str(scenario.sessions),
        "-m",
        str(messages),
        "-l",
        str(scenario.size),
        "-M",
        HOSTNAME,
        "-f",
        SENDER,
        "-t",
        RECIPIENT,
        f"127.0.0.1:{port}",
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    pin(proc.pid, cpus)  # one single-threaded process
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop_process(proc)
        raise
    elapsed = time.perf_counter() - start
    if proc.returncode != 0 or stderr.strip():
        raise RuntimeError(f"smtp-source failed ({proc.returncode}): {stderr.decode('replace')}")
    return elapsed


@contextlib.contextmanager
def profiling(pid: int, out: Path | None, *, gil: bool = False) -> Iterator[None]:
    """Record the process with py-spy while the block runs (collapsed stacks, text).

    ``gil``: sample only the thread holding the GIL -- for the threaded server, whose idle
    connection threads py-spy would otherwise count as busy in ``recv``.
    """
    if out is None:
        yield
        return
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    out.parent.mkdir(parents=True, exist_ok=True)
    argv = [
        py_spy,
        "record",
        "--pid",
        str(pid),
        "--rate",
        "1000",
        "--format",
        "raw",
        "-o",
        str(out),
    ]
    proc = subprocess.Popen(
        [*argv, "--gil"] if gil else argv,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)  # let py-spy attach before the load starts
    try:
        yield
    finally:
        proc.send_signal(2)  # SIGINT: py-spy writes the profile and exits
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            stop_process(proc)


def measure(
    kind: str, scenario: Scenario, messages: int, where: Placement, spy: Path | None
) -> Result:
    """One run against a fresh server process: throughput, its CPU time and its peak RSS."""
    with server(kind, where.server) as running:
        pid = running.proc.pid
        # Warm-up: connections, imports done lazily, the first allocations.
        smtp_source(running.port, scenario, scenario.sessions * 5, where.load, 60)
        with profiling(pid, None if kind == "smtp-sink" else spy, gil=kind == "threaded"):
            cpu_before = cpu_seconds(pid)
            seconds = smtp_source(running.port, scenario, messages, where.load, 600)
            cpu = cpu_seconds(pid) - cpu_before
        peak = proc_status_kib(pid, "VmHWM")
    return Result(
        server=kind,
        scenario=scenario.key,
        messages=messages,
        seconds=seconds,
        msgs_per_s=messages / seconds,
        peak_rss_kib=peak,
        cpu_s=cpu,
    )


def best(runs: list[Result]) -> Result:
    """The fastest run, with the highest peak RSS seen in any run (the cautious figure)."""
    fastest = max(runs, key=lambda r: r.msgs_per_s)
    return replace(fastest, peak_rss_kib=max(r.peak_rss_kib for r in runs))


def report(results: list[Result], scenarios: list[Scenario], servers: list[str]) -> str:
    by = {(r.server, r.scenario): r for r in results}
    headers = [
        "scenario / server",
        "msg/s",
        "MB/s",
        "peak RSS MiB",
        "server CPU µs/msg",
        f"msg/s vs {BASELINE}",
        f"RSS vs {BASELINE}",
    ]
    rows: list[list[str]] = []
    for scenario in scenarios:
        size = scenario.size
        base = by.get((BASELINE, scenario.key))
        for kind in servers:
            r = by.get((kind, scenario.key))
            if r is None:
                continue
            speed = ratio(r.msgs_per_s / base.msgs_per_s) if base else "-"
            rss = ratio(r.peak_rss_kib / base.peak_rss_kib) if base else "-"
            rows.append(
                [
                    f"{scenario.title}: {LABELS[kind]}",
                    f"{r.msgs_per_s:,.0f}",
                    f"{r.msgs_per_s * size / 1e6:,.1f}",
                    f"{r.peak_rss_kib / 1024:.1f}",
                    f"{r.cpu_s / r.messages * 1e6:,.0f}",
                    speed,
                    rss,
                ]
            )
    return format_table(headers, rows)


def targets(results: list[Result]) -> list[str]:
    """The issue's targets, on the 20-session 1 KB run."""
    by = {(r.server, r.scenario): r for r in results}
    base = by.get((BASELINE, "1k-20"))
    if base is None:
        return []
    lines = []
    for kind, factor in (("asyncio", 3.0), ("threaded", 2.0)):
        r = by.get((kind, "1k-20"))
        if r is None:
            continue
        speed = r.msgs_per_s / base.msgs_per_s
        verdict = "met" if speed >= factor else "NOT met"
        lines.append(
            f"{LABELS[kind]}: {ratio(speed)} {BASELINE} (target >= {factor:g}x): {verdict}"
        )
        rss = r.peak_rss_kib / base.peak_rss_kib
        verdict = "met" if rss <= 1.0 else "NOT met"
        lines.append(f"{LABELS[kind]}: peak RSS {ratio(rss)} {BASELINE} (target <= 1x): {verdict}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the messages")
    parser.add_argument(
        "--servers",
        default=",".join(SERVERS),
        help=f"comma-separated, from {','.join(SERVERS + EXTRA_SERVERS)}",
    )
    parser.add_argument(
        "--scenarios",
        default=",".join(s.key for s in SCENARIOS),
        help=f"comma-separated subset of {','.join(s.key for s in SCENARIOS)}",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="rounds of runs (fresh servers); the best counts"
    )
    parser.add_argument(
        "--pin",
        choices=PLACEMENTS,
        default="split",
        help="CPUs for smtp-source and the server: split (one each), same (one for both), none",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--py-spy", type=Path, metavar="DIR", help="profile the Python servers")
    args = parser.parse_args()
    servers = [s for s in args.servers.split(",") if s]
    unknown = set(servers) - set(SERVERS + EXTRA_SERVERS)
    if unknown:
        parser.error(f"unknown servers: {sorted(unknown)}")
    chosen = set(args.scenarios.split(","))
    scenarios = [s for s in SCENARIOS if s.key in chosen]
    divisor = 10 if args.quick else 1
    where = Placement.choose(args.pin)
    find_postfix_tool("smtp-source")

    print(f"# SMTP server benchmark, {datetime.date.today().isoformat()}")
    print(f"# {revision()}, {platform.python_implementation()} {platform.python_version()}")
    print(f"# {load_note()}")
    print("# load: Postfix smtp-source -d (connections reused), HELO, no pipelining")
    print(f"# {where.describe()}")
    started = time.perf_counter()
    runs: dict[tuple[str, str], list[Result]] = {}
    for scenario in scenarios:
        messages = max(scenario.messages // divisor, scenario.sessions)
        # Rounds rather than one server's runs back to back: a change in the machine's load
        # then touches every server alike.
        for round_ in range(args.repeat):
            for kind in servers:
                spy = None
                if args.py_spy is not None:
                    suffix = f"-{round_ + 1}" if args.repeat > 1 else ""
                    spy = args.py_spy / f"{kind}-{scenario.key}{suffix}.txt"
                result = measure(kind, scenario, messages, where, spy)
                runs.setdefault((kind, scenario.key), []).append(result)
                print(
                    f"  {scenario.title:<29} {LABELS[kind]:<22} {result.msgs_per_s:>8,.0f} msg/s"
                    f"  peak RSS {result.peak_rss_kib / 1024:5.1f} MiB"
                    f"  CPU {result.cpu_s / messages * 1e6:5.0f} µs/msg",
                    flush=True,
                )
    results = [best(r) for r in runs.values()]
    print()
    print(report(results, scenarios, servers))
    print()
    for line in targets(results):
        print(line)
    print(f"\n# {time.perf_counter() - started:.0f} s in all; after the run: {load_note()}")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")


if __name__ == "__main__":
    main()
