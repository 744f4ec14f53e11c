"""Server sessions: protocol events + handler/store/authenticator -> replies, sans I/O.

Transports (``pymailproto.sync``, ``.threaded``, ``.aio``) run these sessions over sockets.
"""

from __future__ import annotations

from pymailproto.servers._maildir_handler import MaildirHandler
from pymailproto.servers._smtp_handlers import CaptureHandler, Envelope, SinkHandler, SMTPHandler
from pymailproto.servers._smtp_session import HookCall, SMTPSession, describe

__all__ = [
    "CaptureHandler",
    "Envelope",
    "HookCall",
    "MaildirHandler",
    "SMTPHandler",
    "SMTPSession",
    "SinkHandler",
    "describe",
]
