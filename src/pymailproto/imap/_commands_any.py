"""The commands valid in any state: CAPABILITY, NOOP, LOGOUT (RFC 9051 §6.1) and ID (RFC 2971).

RFC 9051 §9::

    command-any     = "CAPABILITY" / "LOGOUT" / "NOOP"
                        ; Valid in all states

RFC 2971 §4 (its BNF; ``SPACE`` is SP)::

    command_any ::= "CAPABILITY" / "LOGOUT" / "NOOP" / x_command / id
    id ::= "ID" SPACE id_params_list
    id_params_list ::= "(" #(string SPACE nstring) ")" / nil

ENABLE, which RFC 5161 §4 put in ``command-any`` and RFC 9051 §9 in ``command-auth``, is with
the other authenticated-state commands in :mod:`._commands_auth`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pymailproto.imap._command_base import Command, read_name, register, tag_of_reader
from pymailproto.imap._errors import IMAPValueError
from pymailproto.imap._id import IDParams, read_id_params, write_id_params
from pymailproto.imap._lexer import Reader
from pymailproto.imap._values import Writer, _trusted, check_tag

__all__ = ["CapabilityCommand", "IdCommand", "LogoutCommand", "NoopCommand"]


@register
@dataclass(frozen=True, slots=True)
class CapabilityCommand(Command):
    """``CAPABILITY`` (RFC 9051 §6.1.1): ask for the server's capability list."""

    NAME: ClassVar[str] = "CAPABILITY"


@register
@dataclass(frozen=True, slots=True)
class NoopCommand(Command):
    """``NOOP`` (RFC 9051 §6.1.2): do nothing, but let the server send pending updates."""

    NAME: ClassVar[str] = "NOOP"


@register
@dataclass(frozen=True, slots=True)
class LogoutCommand(Command):
    """``LOGOUT`` (RFC 9051 §6.1.3): end the session."""

    NAME: ClassVar[str] = "LOGOUT"


@register
@dataclass(frozen=True, slots=True, init=False)
class IdCommand(Command):
    """``ID id_params_list`` (RFC 2971 §3.1): tell the server who the client is::

        IdCommand("a023", IDParams({"name": "sodr", "version": "19.34"}))
        IdCommand("a042")                                   # a042 ID NIL

    ``params`` None is NIL ("the client can not or will not specify this information").
    Read from the wire, the RFC 2971 §3.3 size limits are not enforced (see :mod:`._id`).
    """

    NAME: ClassVar[str] = "ID"
    params: IDParams | None

    def __init__(self, tag: str, params: IDParams | None = None) -> None:
        if params is not None and not isinstance(params, IDParams):
            raise IMAPValueError(f"ID takes IDParams or None, not {params!r}")
        object.__setattr__(self, "tag", check_tag(tag))
        object.__setattr__(self, "params", params)

    @classmethod
    def read(cls, reader: Reader) -> IdCommand:
        """``"ID" SP id_params_list``."""
        read_name(reader, b"ID")
        reader.expect_sp()
        params = read_id_params(reader)
        reader.finish()
        return _trusted(cls, tag=tag_of_reader(reader), params=params)

    def _write_body(self, writer: Writer) -> None:
        writer.raw(b"ID ")
        write_id_params(writer, self.params)
