"""The docs are tested: every ``>>>`` example runs, and generated parts are current."""

from __future__ import annotations

import doctest
import io
import re
import runpy
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted((ROOT / "docs").glob("*.md"))


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_examples_run(path: Path) -> None:
    text = path.read_text("utf-8")
    parser = doctest.DocTestParser()
    test = parser.get_doctest(text, {}, path.name, str(path), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    out = io.StringIO()
    runner.run(test, out=out.write)
    assert runner.failures == 0, out.getvalue()


def test_smtp_docs_have_examples() -> None:
    assert ">>> " in (ROOT / "docs" / "smtp.md").read_text("utf-8")


def test_state_diagram_is_generated_from_the_table() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        generated = runpy.run_path(str(ROOT / "tools" / "smtp_state_diagram.py"))["mermaid"]()
    finally:
        sys.path.pop(0)
    text = (ROOT / "docs" / "smtp.md").read_text("utf-8")
    found = re.search(r"<!-- state-diagram:begin -->\n```mermaid\n(.*?)```\n", text, re.S)
    assert found, "state diagram markers missing"
    assert found.group(1) == generated, "run: python tools/smtp_state_diagram.py"
