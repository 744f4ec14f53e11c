"""The layering of DESIGN.md, enforced: imports only point down.

applications   cli, __main__, _demo, testing
transports     sync, aio, threaded (and the fronts they share: _dual, _*_front)
sessions       servers
protocols      smtp, imap, pop3        (never import each other, nor any I/O module)
backends       mailstore, auth
foundation     _buffer, _limits, _tlsmode, _io, errors, sasl, mime
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "pymailproto"

LAYERS = {
    "foundation": {"_buffer", "_limits", "_tlsmode", "_io", "errors", "sasl", "mime"},
    "backends": {"mailstore", "auth"},
    "protocols": {"smtp", "imap", "pop3"},
    "sessions": {"servers"},
    "transports": {
        "sync",
        "aio",
        "threaded",
        "_client_front",
        "_imap_client_front",
        "_imap_server_front",
        "_dual",
        "_threaded_imap",
        "_server_front",
        "_relay",
    },
    "applications": {"cli", "__main__", "_demo", "_serve", "testing"},
}
ORDER = list(LAYERS)
# What each layer may import from the package, besides itself.
ALLOWED = {
    "foundation": {"foundation"},
    "backends": {"foundation"},
    "protocols": {"foundation"},
    "sessions": {"foundation", "backends", "protocols"},
    "transports": {"foundation", "backends", "protocols", "sessions", "transports"},
    "applications": set(ORDER),
}
# RFC-free, clock-free, socket-free: the sans-IO promise.
IO_MODULES = {"socket", "ssl", "asyncio", "threading", "time", "selectors", "select"}
SANS_IO_LAYERS = {"foundation", "backends", "protocols", "sessions"}
# Backends and handlers may use clocks and locks (internal dates, CaptureHandler.wait_for),
# never sockets, TLS or an event loop.
BACKEND_ALLOWED_IO = {"time", "threading"}


def component_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def layer_of(component: str) -> str | None:
    for layer, members in LAYERS.items():
        if component in members:
            return layer
    return None


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                raise AssertionError(f"{path}: use absolute imports")
            names.append(node.module or "")
    return names


SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


def test_every_module_has_a_layer() -> None:
    for path in SOURCES:
        assert layer_of(component_of(path)), f"{path} is in no layer; add it to LAYERS"


def violations(component: str, names: list[str], where: object) -> list[str]:
    """Every way the imports ``names`` of a module in ``component`` break the layering."""
    layer = layer_of(component)
    if layer is None:
        return [f"{where} is in no layer"]
    found = []
    for name in names:
        parts = name.split(".")
        top = parts[0]
        if top == "pymailproto":
            if len(parts) == 1:
                if layer != "applications":
                    found.append(f"{where}: import from submodules, not the package root")
                continue
            target = parts[1]
            if target == component:
                continue
            target_layer = layer_of(target)
            if target_layer is None:
                found.append(f"{where}: imports unknown {name}")
            elif target == "testing":
                found.append(f"{where}: the library never imports testing")
            elif target_layer not in ALLOWED[layer]:
                # Also what keeps protocols from importing each other: not in their ALLOWED.
                found.append(f"{where} ({layer}) imports {name}")
        elif layer in SANS_IO_LAYERS and top in IO_MODULES:
            if layer in ("backends", "sessions") and top in BACKEND_ALLOWED_IO:
                continue
            found.append(f"{where} ({layer}) imports I/O module {top}")
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    assert violations(component_of(path), imports_of(path), path) == []


def test_the_checker_catches_violations(tmp_path: Path) -> None:
    """The rule above must be able to fail: each kind of violation is reported."""
    bad = tmp_path / "bad.py"
    bad.write_text("import socket\nfrom pymailproto.imap import x\nimport pymailproto.sync\n")
    found = violations("smtp", imports_of(bad), "bad.py")
    assert found == [
        "bad.py (protocols) imports I/O module socket",
        "bad.py (protocols) imports pymailproto.imap",
        "bad.py (protocols) imports pymailproto.sync",
    ]
    assert violations("servers", ["pymailproto.testing"], "x") == [
        "x: the library never imports testing"
    ]
    assert violations("servers", ["asyncio"], "x") == ["x (sessions) imports I/O module asyncio"]
