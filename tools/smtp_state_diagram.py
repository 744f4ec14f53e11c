"""Print the SMTP state diagram (Mermaid) generated from ``pymailproto.smtp.TRANSITIONS``.

``docs/smtp.md`` embeds this output between the ``state-diagram`` markers; a test fails when the
two differ, so the picture can never drift from the table. Regenerate with::

    python tools/smtp_state_diagram.py
"""

from __future__ import annotations

from collections import defaultdict

from pymailproto.smtp import TRANSITIONS, State

_SHORT = {
    "Greeting": "greeting",
    "EndOfMessage": "end of data",
    "EndOfChunk": "BDAT chunk",
    "MailFrom": "MAIL",
    "RcptTo": "RCPT",
    "AuthResponse": "AUTH response",
    "StartTLS": "STARTTLS",
}


def mermaid() -> str:
    edges: dict[tuple[State, State], list[str]] = defaultdict(list)
    for (state, unit), transition in TRANSITIONS.items():
        name = _SHORT.get(unit.__name__, unit.__name__.upper())
        for label, target in (
            ("2yz", transition.positive),
            ("3yz", transition.intermediate),
            ("4/5yz", transition.negative),
        ):
            if target is not None and target is not state:
                edges[(state, target)].append(f"{name} {label}")
    lines = ["stateDiagram-v2", "    [*] --> GREETING"]
    ordered = sorted(edges.items(), key=lambda e: (e[0][0].name, e[0][1].name))
    for (source, target), labels in ordered:
        lines.append(f"    {source.name} --> {target.name} : {_join(labels)}")
    lines.append("    CLOSED --> [*]")
    return "\n".join(lines) + "\n"


def _join(labels: list[str]) -> str:
    """'RSET 2yz', 'end of data 2yz', 'end of data 4/5yz' -> 'RSET 2yz, end of data (any)'."""
    by_unit: dict[str, list[str]] = defaultdict(list)
    for label in labels:
        unit, _, code = label.rpartition(" ")
        by_unit[unit].append(code)
    parts = []
    for unit in sorted(by_unit):
        codes = by_unit[unit]
        parts.append(f"{unit} (any)" if len(codes) > 1 else f"{unit} {codes[0]}")
    return ", ".join(parts)


if __name__ == "__main__":
    print(mermaid(), end="")
