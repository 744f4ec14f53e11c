"""SASLprep (RFC 4013) beyond the RFC's own examples (those are in test_sasl_vectors)."""

from __future__ import annotations

import pytest

from pymailproto.sasl import saslprep


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("a\u00a0b", "a b"),  # §2.1: non-ASCII space -> SPACE
        ("a\u3000b", "a b"),  # ideographic space too
        ("a\u1680b", "a b"),  # OGHAM SPACE MARK: only the §2.1 mapping makes it a space
        ("pass\u200bword", "password"),  # §2.1: ZERO WIDTH SPACE maps to nothing (B.1)
        ("e\u0301", "\u00e9"),  # §2.2: NFKC composes
        ("\u00bd", "1\u20442"),  # NFKC differs from NFC here (RFC 5802 §3 informative note)
        ("\u05d0\u05d1", "\u05d0\u05d1"),  # pure right-to-left is fine
        ("\u0627\u0031\u0628", "\u0627\u0031\u0628"),  # RTL at both ends, neutral inside
        ("\u00ad", ""),  # maps to nothing: callers decide about empty results
        ("", ""),
    ],
)
def test_mapping_and_normalization(given: str, expected: str) -> None:
    assert saslprep(given) == expected


@pytest.mark.parametrize(
    "given",
    [
        "a\tb",  # C.2.1 ASCII control
        "a\u0085b",  # C.2.2 non-ASCII control
        "\ue000",  # C.3 private use
        "\ufdd0",  # C.4 non-character
        "\ufffd",  # C.6 inappropriate for plain text
        "\u2ff0",  # C.7 inappropriate for canonical representation
        "\u200e",  # C.8 change display properties
        "\U000e0001",  # C.9 tagging character
        "\u05d0a\u05d1",  # RTL mixed with LTR
        "1\u05d0",  # RTL string not starting with RTL
    ],
)
def test_prohibited(given: str) -> None:
    with pytest.raises(ValueError, match="SASLprep"):
        saslprep(given)


@pytest.mark.parametrize("given", ["\u0221", "pass\U0001f642"])
def test_unassigned_allowed_in_queries_refused_in_stored_strings(given: str) -> None:
    # Unassigned means: not in Unicode 3.2, which stringprep is pinned to (RFC 3454 §7).
    assert saslprep(given) == given
    with pytest.raises(ValueError, match="unassigned"):
        saslprep(given, allow_unassigned=False)


def test_idempotent_on_examples() -> None:
    for text in ["I\u00adX", "\u2168", "a\u00a0b", "e\u0301", "\u00bd"]:
        once = saslprep(text)
        assert saslprep(once) == once
