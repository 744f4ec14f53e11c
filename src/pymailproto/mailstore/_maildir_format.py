"""The text formats of a Dovecot Maildir++, parsed and written without touching the disk.

Everything here follows what Dovecot 2.3 reads and writes, so a Maildir is shared with it:

* Folder names (Maildir++ layout): INBOX is the Maildir itself; ``A/B`` is the directory
  ``.A.B``, each level in modified UTF-7 (RFC 3501 §5.1.3), so ``Café`` is ``.Caf&AOk-``.
* File names: ``<base>[:2,<info>]`` (maildir(5)). The info letters are the flags -- ``D``
  \\Draft, ``F`` \\Flagged, ``R`` (replied) \\Answered, ``S`` \\Seen, ``T`` (trashed) \\Deleted
  -- and ``a``..``z`` the keywords numbered 0..25 in ``dovecot-keywords``. ``P`` (passed) has
  no IMAP flag; like every letter Dovecot does not know, it is kept when flags change. The base
  may carry ``,S=<size>`` (the file size) and ``,W=<vsize>`` (the size with CRLF line ends).
* ``dovecot-uidlist`` (version 3): ``3 V<uidvalidity> N<uidnext> G<guid>``, then one line per
  message, ``<uid> [<extension fields>] :<file name base>``.
* ``dovecot-keywords``: ``<number> <keyword>`` lines.
* ``subscriptions`` (version 2): ``V<TAB>2``, an empty line, then one name per line, levels
  separated by tabs, each in modified UTF-7.

Sources: https://doc.dovecot.org/2.3/admin_manual/mailbox_formats/maildir/ (uidlist, keywords,
file name fields, Maildir++ layout), maildir(5), and Dovecot's own files (checked by
``tests/interop/test_maildir_dovecot.py``). Parsers raise ``ValueError`` on what they cannot
read; the store decides what to do about it.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pymailproto.mailstore._flags import ANSWERED, DELETED, DRAFT, FLAGGED, SEEN

__all__ = [
    "KEYWORD_LETTERS",
    "SYSTEM_LETTERS",
    "FileName",
    "State",
    "Uidlist",
    "decode_mutf7",
    "encode_mutf7",
    "folder_of",
    "format_keywords",
    "format_names",
    "format_state",
    "format_uidlist",
    "name_of_folder",
    "parse_filename",
    "parse_keywords",
    "parse_names",
    "parse_state",
    "parse_uidlist",
    "to_crlf",
    "with_flags",
]

#: The maildir(5) info letters Dovecot maps to IMAP system flags.
SYSTEM_LETTERS = {"D": DRAFT, "F": FLAGGED, "R": ANSWERED, "S": SEEN, "T": DELETED}
LETTER_OF = {flag: letter for letter, flag in SYSTEM_LETTERS.items()}
#: Keyword letters: ``a`` is keyword 0 of ``dovecot-keywords``, ``z`` keyword 25.
KEYWORD_LETTERS = "abcdefghijklmnopqrstuvwxyz"

# --- modified UTF-7 (RFC 3501 §5.1.3) ----------------------------------------------------------

_B64_CHARS = re.compile(r"[A-Za-z0-9+,]*")


def encode_mutf7(text: str) -> str:
    """``text`` in modified UTF-7: printable ASCII as itself (``&`` as ``&-``), the rest as
    ``&``, modified BASE64 of UTF-16BE (``,`` for ``/``, no padding), ``-``."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            raw = "".join(pending).encode("utf-16-be", "surrogatepass")
            encoded = base64.b64encode(raw).rstrip(b"=").decode("ascii").replace("/", ",")
            out.append(f"&{encoded}-")
            pending.clear()

    for char in text:
        if "\x20" <= char <= "\x7e":
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)


def decode_mutf7(text: str) -> str:
    """The Unicode text of a modified UTF-7 string; ``ValueError`` if it is not valid."""
    out: list[str] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if not "\x20" <= char <= "\x7e":
            raise ValueError(f"{text!r}: modified UTF-7 is printable ASCII")
        if char != "&":
            out.append(char)
            pos += 1
            continue
        end = text.find("-", pos + 1)
        if end < 0:
            raise ValueError(f"{text!r}: unterminated '&' sequence")
        chunk = text[pos + 1 : end]
        pos = end + 1
        if not chunk:
            out.append("&")
            continue
        if not _B64_CHARS.fullmatch(chunk) or len(chunk) % 4 == 1:
            raise ValueError(f"{text!r}: bad modified BASE64 {chunk!r}")
        padded = chunk.replace(",", "/") + "=" * (-len(chunk) % 4)
        try:
            raw = base64.b64decode(padded, validate=True)
            decoded = raw.decode("utf-16-be")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise ValueError(f"{text!r}: {exc}") from None
        if any("\x20" <= c <= "\x7e" for c in decoded):
            # RFC 3501 §5.1.3: printable ASCII must represent itself.
            raise ValueError(f"{text!r}: printable ASCII inside a BASE64 sequence")
        out.append(decoded)
    return "".join(out)


# --- folder names (Maildir++) ------------------------------------------------------------------

#: What a level of a name cannot hold on disk: Maildir++ separates levels with "." and the
#: file system separates directories with "/". (Dovecot refuses such names the same way.)
FORBIDDEN_IN_LEVEL = (".", "/")


def folder_of(name: str, delimiter: str) -> str:
    """The Maildir++ directory of mailbox ``name`` (not INBOX): ``.A.B`` for ``A/B``.

    ``ValueError`` when a level holds ``.`` or ``/``, which no Maildir++ name can keep.
    """
    levels = name.split(delimiter)
    for level in levels:
        if any(char in level for char in FORBIDDEN_IN_LEVEL):
            raise ValueError(f"{name!r}: a Maildir++ mailbox name cannot hold '.' or '/'")
    return "." + ".".join(encode_mutf7(level) for level in levels)


def name_of_folder(folder: str, delimiter: str) -> str | None:
    """The mailbox name of Maildir++ directory ``folder`` (``.A.B``), or None if it is none.

    Not a mailbox: names without the leading dot, ``.`` and ``..``, empty levels, invalid
    modified UTF-7, levels holding the delimiter, and Dovecot's ``.DOVECOT-TRASHED``.
    """
    if not folder.startswith(".") or folder in (".", ".."):
        return None
    levels = folder[1:].split(".")
    if "" in levels or levels[-1].endswith("DOVECOT-TRASHED"):
        return None
    try:
        decoded = [decode_mutf7(level) for level in levels]
    except ValueError:
        return None
    if any(delimiter in level for level in decoded):
        return None
    return delimiter.join(decoded)


# --- message file names ------------------------------------------------------------------------

_SIZE_FIELD = re.compile(r",([SW])=(\d+)(?=,|$)")


@dataclass(frozen=True, slots=True)
class FileName:
    """A message file name taken apart: ``<base>[:2,<letters>[,<rest>]]``."""

    base: str
    letters: str
    size: int | None  # ,S=<size>: the file size
    vsize: int | None  # ,W=<vsize>: the size with every line ending CRLF


def parse_filename(name: str) -> FileName:
    """Split a Maildir file name into its base, info letters and size fields."""
    base = name.split(":", 1)[0]
    letters = ""
    colon = name.rfind(":")
    if colon >= 0 and name.startswith("2,", colon + 1):
        letters = name[colon + 3 :].split(",", 1)[0]
    sizes = {key: int(value) for key, value in _SIZE_FIELD.findall(base)}
    return FileName(base, letters, sizes.get("S"), sizes.get("W"))


def with_flags(name: str, letters: Iterable[str]) -> str:
    """``name`` with the flag and keyword letters replaced by ``letters``.

    As Dovecot does: letters it does not know (``P``, other capitals) are kept, keyword
    letters are all replaced, every letter sorted by its ASCII code, and anything after a
    second comma of the info kept as is.
    """
    colon = name.rfind(":")
    head, old, rest = name, "", ""
    if colon >= 0:
        head = name[:colon]
        info = name[colon + 1 :]
        if info.startswith("2,"):
            old, comma, tail = info[2:].partition(",")
            rest = comma + tail
    kept = [c for c in old if c not in SYSTEM_LETTERS and c not in KEYWORD_LETTERS]
    return f"{head}:2,{''.join(sorted({*kept, *letters}))}{rest}"


def to_crlf(data: bytes) -> bytes:
    """Every line ending as CRLF: how a file stored with LF line ends is served over IMAP."""
    return re.sub(rb"\r?\n", b"\r\n", data)


# --- dovecot-uidlist ---------------------------------------------------------------------------


@dataclass(slots=True)
class Uidlist:
    """The contents of ``dovecot-uidlist``: UIDVALIDITY, UIDNEXT, GUID and UID per file base.

    ``extensions`` keeps the fields between a UID and its file name (Dovecot's ``W<vsize>``,
    ``G<guid>``, POP3 UIDLs) and ``header_extra`` the header fields this store does not use,
    so a rewrite loses nothing Dovecot stored there.
    """

    uidvalidity: int
    uidnext: int
    guid: str
    uids: dict[str, int] = field(default_factory=dict)
    extensions: dict[str, str] = field(default_factory=dict)
    header_extra: tuple[str, ...] = ()


def _positive(text: str) -> int:
    value = int(text)
    if value < 1 or not text.isdigit():
        raise ValueError(f"expected a positive number, got {text!r}")
    return value


def parse_uidlist(text: str) -> Uidlist:
    """Read a ``dovecot-uidlist`` of version 3 (or Courier-compatible version 1)."""
    lines = text.split("\n")
    header = lines[0].split()
    if not header or header[0] not in ("1", "3"):
        raise ValueError(f"unknown dovecot-uidlist version in {lines[0]!r}")
    version = header[0]
    extra: list[str] = []
    if version == "1":
        if len(header) < 3:
            raise ValueError(f"short dovecot-uidlist header {lines[0]!r}")
        result = Uidlist(_positive(header[1]), _positive(header[2]), "")
    else:
        fields = {}
        for item in header[1:]:
            if item[0] in "VNG" and item[0] not in fields:
                fields[item[0]] = item[1:]
            else:
                extra.append(item)
        if "V" not in fields or "N" not in fields:
            raise ValueError(f"dovecot-uidlist header without V or N: {lines[0]!r}")
        result = Uidlist(_positive(fields["V"]), _positive(fields["N"]), fields.get("G", ""))
    result.header_extra = tuple(extra)
    for line in lines[1:]:
        if not line:
            continue
        if version == "1":
            uid_text, _, name = line.partition(" ")
            ext = ""
        else:
            marker = line.find(" :")
            if marker < 0:
                raise ValueError(f"dovecot-uidlist line without ' :': {line!r}")
            uid_text, _, ext = line[:marker].partition(" ")
            name = line[marker + 2 :]
        uid = _positive(uid_text)
        base = name.split(":", 1)[0]
        if not base:
            raise ValueError(f"dovecot-uidlist line without a file name: {line!r}")
        result.uids.setdefault(base, uid)
        if ext:
            result.extensions.setdefault(base, ext)
        result.uidnext = max(result.uidnext, uid + 1)
    return result


def format_uidlist(
    uidlist: Uidlist, entries: Iterable[tuple[int, str]], extensions: Mapping[str, str]
) -> bytes:
    """A version 3 ``dovecot-uidlist`` for ``entries``, (UID, file name base) ascending."""
    header = [f"3 V{uidlist.uidvalidity} N{uidlist.uidnext} G{uidlist.guid}"]
    header += uidlist.header_extra
    lines = [" ".join(header)]
    for uid, base in entries:
        ext = extensions.get(base)
        lines.append(f"{uid} {ext} :{base}" if ext else f"{uid} :{base}")
    return ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape")


# --- dovecot-keywords --------------------------------------------------------------------------


def parse_keywords(text: str) -> dict[int, str]:
    """``dovecot-keywords``: keyword number (0..25, the letters a..z) -> keyword."""
    result: dict[int, str] = {}
    for line in text.split("\n"):
        number, _, keyword = line.partition(" ")
        if number.isdigit() and int(number) < len(KEYWORD_LETTERS) and keyword:
            result.setdefault(int(number), keyword)
    return result


def format_keywords(keywords: Mapping[int, str]) -> bytes:
    return "".join(f"{number} {keywords[number]}\n" for number in sorted(keywords)).encode()


# --- subscriptions (and this store's list of \Noselect names, in the same format) -----------

_VERSION2 = "V\t2\n\n"
_TAB_ESCAPES = {"1": "\x01", "t": "\t", "r": "\r", "n": "\n"}


def _tab_unescape(text: str) -> str:
    # Dovecot's str_tabescape(): \001 introduces an escaped \001, TAB, CR or LF.
    return re.sub("\x01(.)", lambda m: _TAB_ESCAPES.get(m.group(1), m.group(1)), text)


def _tab_escape(text: str) -> str:
    return (
        text.replace("\x01", "\x011")
        .replace("\t", "\x01t")
        .replace("\r", "\x01r")
        .replace("\n", "\x01n")
    )


def parse_names(text: str, delimiter: str) -> list[str]:
    """The names of a ``subscriptions`` file: version 2 (tab-separated levels) or 1.

    A version 1 file (no header) holds one Maildir++ name per line, levels separated by
    ``.``. Names this delimiter cannot express (a level holding it) are left out.
    """
    if text.startswith(_VERSION2):
        lines, separator = text[len(_VERSION2) :].split("\n"), "\t"
    else:
        lines, separator = text.split("\n"), "."
    names = []
    for line in lines:
        if not line:
            continue
        try:
            levels = [decode_mutf7(_tab_unescape(level)) for level in line.split(separator)]
        except ValueError:
            continue
        if "" not in levels and not any(delimiter in level for level in levels):
            names.append(delimiter.join(levels))
    return names


def format_names(names: Iterable[str], delimiter: str) -> bytes:
    """A version 2 ``subscriptions`` file holding ``names``."""
    lines = [
        "\t".join(_tab_escape(encode_mutf7(level)) for level in name.split(delimiter))
        for name in names
    ]
    return (_VERSION2 + "".join(line + "\n" for line in lines)).encode("ascii")


# --- pymailproto-state: what Dovecot keeps in its index and a Maildir cannot hold -------------


@dataclass(frozen=True, slots=True)
class State:
    """A mailbox's ``pymailproto-state`` file: special use and the last HIGHESTMODSEQ.

    ``digest`` fingerprints the messages and flags HIGHESTMODSEQ was last written for: when the
    mailbox still matches it on the next start, HIGHESTMODSEQ is unchanged (see the store).
    """

    uidvalidity: int = 0
    highestmodseq: int = 0
    digest: str = ""
    special_use: str | None = None


def parse_state(text: str) -> State:
    values = dict(line.split(" ", 1) for line in text.split("\n")[1:] if " " in line)
    if not text.startswith("pymailproto-state 1\n"):
        raise ValueError("not a pymailproto-state file of version 1")
    return State(
        uidvalidity=int(values.get("uidvalidity", "0")),
        highestmodseq=int(values.get("highestmodseq", "0")),
        digest=values.get("digest", ""),
        special_use=values.get("special-use"),
    )


def format_state(state: State) -> bytes:
    lines = [
        "pymailproto-state 1",
        f"uidvalidity {state.uidvalidity}",
        f"highestmodseq {state.highestmodseq}",
        f"digest {state.digest}",
    ]
    if state.special_use is not None:
        lines.append(f"special-use {state.special_use}")
    return ("\n".join(lines) + "\n").encode("utf-8")
