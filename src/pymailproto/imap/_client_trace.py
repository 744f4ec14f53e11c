"""One-line summaries of what a client sends and receives, for ``trace=``: secrets masked.

Passwords (LOGIN), SASL exchanges (AUTHENTICATE's initial response and every later line) are
replaced by ``****``; literals are shown as ``{n octets}`` rather than their content, and long
lines are cut, so a trace of a 20 MB APPEND or FETCH stays a few lines long.
"""

from __future__ import annotations

from pymailproto.imap._command_base import Command
from pymailproto.imap._commands_nonauth import AuthenticateCommand, LoginCommand
from pymailproto.imap._commands_special import AuthenticateResponse, ContinuationLine
from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._response_base import Response
from pymailproto.imap._values import LiteralFragment, WireOptions

__all__ = ["trace_command", "trace_response"]

#: The longest line shown whole.
MAX_TRACE_LINE = 400
_OPTIONS = WireOptions(utf8=True)


def _shorten(text: str) -> str:
    if len(text) <= MAX_TRACE_LINE:
        return text
    return f"{text[:MAX_TRACE_LINE]}... ({len(text)} characters)"


def _text(data: bytes) -> str:
    return data.decode("utf-8", "backslashreplace").replace("\r\n", " ").rstrip()


def trace_command(item: Command | ContinuationLine, options: WireOptions = _OPTIONS) -> str:
    """What a client line looks like in a trace: its wire form under ``options`` (the
    server's), literals summarised and secrets masked."""
    if isinstance(item, AuthenticateResponse):
        return "****" if item.data is not None else "*"
    if isinstance(item, LoginCommand):
        return f"{item.tag} LOGIN {_text(item.username)} ****"
    if isinstance(item, AuthenticateCommand):
        extra = " ****" if item.initial_response is not None else ""
        return f"{item.tag} AUTHENTICATE {item.mechanism}{extra}"
    parts = []
    for fragment in item.fragments(options):
        if isinstance(fragment, LiteralFragment):
            parts.append(f"<{len(fragment.data)} octets>")
        else:
            parts.append(_text(fragment.data))
    return _shorten("".join(parts))


def trace_response(response: Response) -> str:
    """What a server response looks like in a trace."""
    try:
        fragments = response.fragments(_OPTIONS)
    except IMAPValueError:  # a response holding a streamed literal has no octets to show
        return _shorten(repr(response))
    parts = []
    for fragment in fragments:
        if isinstance(fragment, LiteralFragment):
            parts.append(f"<{len(fragment.data)} octets>")
        else:
            parts.append(_text(fragment.data))
    return _shorten("".join(parts))
