"""Load the ``C:``/``S:``/``D:`` transcripts in ``tests/smtp/transcripts/`` (format: README)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pymailproto.smtp import Greeting, Reply
from pymailproto.smtp._reply import ReplyReader

DIRECTORY = Path(__file__).parent / "transcripts"


@dataclass(frozen=True)
class Step:
    """One transcript line: who sends it ("C", "D" or "S") and its wire bytes."""

    side: str
    wire: bytes


@dataclass(frozen=True)
class Transcript:
    name: str
    steps: tuple[Step, ...]
    lmtp: bool
    starttls: bool

    @property
    def client_bytes(self) -> bytes:
        return b"".join(s.wire for s in self.steps if s.side in "CD")

    @property
    def server_bytes(self) -> bytes:
        return b"".join(s.wire for s in self.steps if s.side == "S")

    def replies(self) -> list[Reply]:
        """The server's replies, in order (the first one as a Greeting)."""
        reader = ReplyReader(max_lines=1000)
        out: list[Reply] = []
        for step in self.steps:
            if step.side == "S":
                reply = reader.feed_line(step.wire[:-2], greeting=not out)
                if reply is not None:
                    out.append(reply)
        return out


def load(path: Path) -> Transcript:
    steps: list[Step] = []
    directives: set[str] = set()
    for raw in path.read_text("utf-8").splitlines():
        if raw.startswith("#!"):
            directives.add(raw[2:].split()[0])
        elif raw.startswith("#") or not raw.strip():
            continue
        else:
            side, sep, text = raw.partition(": ")
            if side not in ("C", "S", "D") or not sep:
                # "D:" with an empty line of content has no trailing space after the colon.
                if raw in ("D:", "C:"):
                    side, text = raw[0], ""
                else:
                    raise ValueError(f"{path.name}: cannot read line {raw!r}")
            steps.append(Step(side, text.encode("utf-8") + b"\r\n"))
    return Transcript(path.stem, tuple(steps), "lmtp" in directives, "starttls" in directives)


def all_transcripts() -> list[Transcript]:
    return [load(p) for p in sorted(DIRECTORY.glob("*.txt"))]


__all__ = ["DIRECTORY", "Greeting", "Step", "Transcript", "all_transcripts", "load"]
