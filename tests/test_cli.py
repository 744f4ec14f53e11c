"""The command line: ``pymailproto demo`` runs a full conversation and delivers byte-exact."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pymailproto import _demo
from pymailproto.cli import main


def test_demo_delivers_the_message_byte_exact() -> None:
    lines: list[str] = []
    received = _demo.run(lines.append)
    assert received == _demo.MESSAGE
    assert "C: ..is dot-stuffed on the wire and restored by the server." in lines
    assert "S: 550 5.7.1 Relay access denied" in lines
    assert "S: 235 2.7.0 Authentication successful" in lines
    assert lines[-1] == "# Delivered byte-exact: True"


def test_demo_pipelines_the_transaction() -> None:
    lines: list[str] = []
    _demo.run(lines.append)
    start = lines.index("C: MAIL FROM:<alice@example.org> SIZE=181")
    # MAIL, both RCPTs and DATA leave before the first reply (RFC 2920).
    assert [line[:2] for line in lines[start : start + 4]] == ["C:"] * 4
    assert lines[start + 4].startswith("S: 250")


def test_main_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    assert "S: 221 2.0.0 Bye" in capsys.readouterr().out


def test_python_dash_m() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pymailproto", "demo"], capture_output=True, text=True, check=True
    )
    assert "Delivered byte-exact: True" in result.stdout


def test_main_requires_a_command() -> None:
    with pytest.raises(SystemExit):
        main([])
