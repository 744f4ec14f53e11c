"""Summarise py-spy collapsed-stack profiles (``py-spy record --format raw``) as text.

    .venv/bin/python benchmarks/profile_summary.py PROFILE.txt [--top 25]

Prints the functions with the most samples on top of the stack (self time), the functions
with the most samples anywhere on the stack (inclusive time), and self time by file. Line
numbers are dropped so that every line of a function counts for the function.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

_LINE = re.compile(r"^(?P<stack>.*) (?P<count>\d+)$")
_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")


def frame_name(frame: str) -> tuple[str, str]:
    """``"f (pkg/mod.py:12)"`` -> ``("f (pkg/mod.py)", "pkg/mod.py")``."""
    match = _FRAME.match(frame)
    if match is None:
        return frame, frame
    return f"{match['func']} ({match['file']})", match["file"]


def summarise(path: Path, top: int) -> str:
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    files: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        match = _LINE.match(line)
        if match is None:
            continue
        count = int(match["count"])
        frames = [frame_name(f) for f in match["stack"].split(";")]
        total += count
        leaf, leaf_file = frames[-1]
        own[leaf] += count
        files[leaf_file] += count
        for name in {name for name, _ in frames}:
            inclusive[name] += count
    if not total:
        return f"{path}: no samples"

    def table(title: str, counter: Counter[str]) -> list[str]:
        lines = [f"{title}:", f"{'%':>6}  {'samples':>7}  function"]
        for name, count in counter.most_common(top):
            lines.append(f"{100 * count / total:6.1f}  {count:7d}  {name}")
        return lines

    out = [f"{path.name}: {total} samples"]
    out += ["", *table("self time (top of stack)", own)]
    out += ["", *table("inclusive time (anywhere on the stack)", inclusive)]
    out += ["", *table("self time by file", files)]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("profiles", type=Path, nargs="+")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    print("\n\n".join(summarise(p, args.top) for p in args.profiles))


if __name__ == "__main__":
    main()
