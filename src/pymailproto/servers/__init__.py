"""Server sessions: protocol events + handler/store/authenticator -> replies, sans I/O.

Transports (``pymailproto.sync``, ``.threaded``, ``.aio``) run these sessions over sockets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pymailproto.servers._smtp_handlers import CaptureHandler, Envelope, SinkHandler, SMTPHandler
from pymailproto.servers._smtp_session import HookCall, SMTPSession, describe

if TYPE_CHECKING:
    from pymailproto.servers._maildir_handler import MaildirHandler
    from pymailproto.servers._mailstore_handler import MailstoreHandler

__all__ = [
    "CaptureHandler",
    "Envelope",
    "HookCall",
    "MaildirHandler",
    "MailstoreHandler",
    "SMTPHandler",
    "SMTPSession",
    "SinkHandler",
    "describe",
]


def __getattr__(name: str) -> Any:
    # MaildirHandler pulls in pathlib, platform and datetime: load it only when asked for.
    if name == "MaildirHandler":
        from pymailproto.servers._maildir_handler import MaildirHandler  # noqa: PLC0415

        return MaildirHandler
    if name == "MailstoreHandler":
        from pymailproto.servers._mailstore_handler import MailstoreHandler  # noqa: PLC0415

        return MailstoreHandler
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
