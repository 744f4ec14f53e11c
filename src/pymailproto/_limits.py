"""Explicit, bounded limits for every protocol core.

Each limit is a field of a frozen dataclass with a default taken from the standard (the comment
beside it says which clause) or, where the standard names only a minimum, from common practice.
A core never buffers more than these numbers allow; exceeding one produces the reply the
protocol prescribes, never unbounded memory.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["IMAPLimits", "SMTPLimits", "SMTPTimeouts"]


def _positive(owner: object, **values: int | float | None) -> None:
    for name, value in values.items():
        if value is not None and value <= 0:
            raise ValueError(f"{type(owner).__name__}.{name} must be positive, got {value!r}")


@dataclass(frozen=True, slots=True)
class SMTPLimits:
    """Size and count limits of an SMTP/LMTP connection (client or server)."""

    #: RFC 5321 §4.5.3.1.4: a command line, CRLF included, is at most 512 octets.
    max_command_line: int = 512
    #: RFC 5321 §4.5.3.1.5: a reply line, code and CRLF included, is at most 512 octets.
    #: Clients read replies with a larger allowance, because real servers exceed it.
    max_reply_line: int = 512
    #: RFC 5321 §4.5.3.1.6: a text line of message data, CRLF included, is at most 1000
    #: octets. ``None`` accepts longer lines (still streamed, never buffered whole).
    max_text_line: int | None = 1000
    #: RFC 5321 §4.5.3.1.8 requires buffering at least 100 recipients; we accept exactly that
    #: many per transaction by default and answer 452 beyond (§4.5.3.1.10).
    max_recipients: int = 100
    #: RFC 5321 §4.5.3.1.7 requires at least 64K; RFC 1870 lets a server advertise its limit.
    #: 32 MiB covers what mainstream providers accept. ``None`` means no limit (SIZE 0).
    max_message_size: int | None = 32 * 1024 * 1024
    #: Not from an RFC: like Postfix's smtpd_hard_error_limit, a server closes the connection
    #: with 421 after this many rejected commands, so a garbage-spewing peer cannot loop forever.
    max_bad_commands: int = 20
    #: RFC 4954 §4: an AUTH command or SASL response line may be up to 12288 octets.
    max_auth_line: int = 12288
    #: Lines in one multi-line reply a client accepts (EHLO lists, LMTP); bounds memory.
    max_reply_lines: int = 100

    def __post_init__(self) -> None:
        _positive(
            self,
            max_command_line=self.max_command_line,
            max_reply_line=self.max_reply_line,
            max_text_line=self.max_text_line,
            max_recipients=self.max_recipients,
            max_message_size=self.max_message_size,
            max_bad_commands=self.max_bad_commands,
            max_auth_line=self.max_auth_line,
            max_reply_lines=self.max_reply_lines,
        )
        if self.max_command_line < 512:
            # RFC 5321 §4.5.3.1: every implementation MUST accept objects of these sizes.
            raise ValueError("max_command_line must be at least 512 (RFC 5321 §4.5.3.1.4)")


@dataclass(frozen=True, slots=True)
class SMTPTimeouts:
    """Per-stage timeouts in seconds, RFC 5321 §4.5.3.2 minimums by default.

    Protocol cores never read a clock; they report which of these applies in their current
    state (``connection.timeout``) and transports enforce it.
    """

    #: §4.5.3.2.1: waiting for the 220 greeting.
    greeting: float = 300.0
    #: §4.5.3.2.2 and §4.5.3.2.3: MAIL and RCPT (and, by extension, every other command).
    command: float = 300.0
    #: §4.5.3.2.4: waiting for the 354 after DATA.
    data_initiation: float = 120.0
    #: §4.5.3.2.5: each block of message data sent.
    data_block: float = 180.0
    #: §4.5.3.2.6: waiting for the reply after the end of data.
    data_termination: float = 600.0
    #: §4.5.3.2.7: a server waiting for the client's next command or data.
    server: float = 300.0

    def __post_init__(self) -> None:
        _positive(
            self,
            greeting=self.greeting,
            command=self.command,
            data_initiation=self.data_initiation,
            data_block=self.data_block,
            data_termination=self.data_termination,
            server=self.server,
        )


@dataclass(frozen=True, slots=True)
class IMAPLimits:
    """Size and count limits of an IMAP connection (client or server).

    IMAP fixes almost no sizes: RFC 9051 leaves line and literal limits to implementations
    and expects them to defend against denial of service (RFC 7888 §4, §9). The defaults
    accept everything a standards-following peer sends; each says why. Literal and message
    sizes count octets on the wire; line lengths count the CRLF, as SMTPLimits does.
    """

    #: A command line without its literals, CRLF included (each line between literals).
    #: RFC 7162 §4 asks clients to keep command lines to "approximately 8192 octets
    #: (including all quoted strings but not including literals)"; eight times that leaves
    #: room for long UID sets and still bounds what a server holds for an unfinished line.
    max_command_line: int = 64 * 1024
    #: A response line, CRLF included. Servers send long lines: an IMAP4rev1 SEARCH response
    #: (RFC 3501 §7.2.5) lists every match on one line, a million 7-digit numbers is 8 MB.
    max_response_line: int = 8 * 1024 * 1024
    #: The largest literal, synchronizing or not, inline or streamed. No RFC fixes one;
    #: RFC 7888 §4 expects servers to limit literals (RFC 7889 APPENDLIMIT advertises it).
    #: Twice SMTPLimits.max_message_size: whatever SMTP accepted can be APPENDed and FETCHed.
    #: ``None``: no limit beyond number64 (RFC 9051 §9) -- use with streamed literals only.
    max_literal_size: int | None = 64 * 1024 * 1024
    #: RFC 9051 §4.3 and RFC 7888 §5 (LITERAL-): a non-synchronizing literal sent to an
    #: IMAP4rev2 or LITERAL- server MUST NOT exceed 4096 octets. ``None`` for LITERAL+
    #: (RFC 7888 §3), where only ``max_literal_size`` applies. Checked by servers only.
    max_nonsync_literal: int | None = 4096
    #: A whole command or response: every line and every literal, streamed ones included.
    #: A maximum-size literal plus 16 MiB of lines and small literals. ``None``: no limit.
    max_message_size: int | None = 80 * 1024 * 1024
    #: Literals in one message. Not from an RFC: each costs bookkeeping while the wire cost
    #: of ``{0+}`` CRLF is 7 octets. A command has one per string argument (MULTIAPPEND,
    #: RFC 3502, one per message); a FETCH response one per body section.
    max_literals: int = 1000
    #: Nesting of parenthesized lists (RFC 9051 §4.4: body structures, search keys) a grammar
    #: parser follows. The RFC sets no bound; real BODYSTRUCTUREs stay far below 100, and
    #: 100 keeps a recursive parser well inside Python's default recursion limit of 1000.
    max_nesting_depth: int = 100

    def __post_init__(self) -> None:
        _positive(
            self,
            max_command_line=self.max_command_line,
            max_response_line=self.max_response_line,
            max_literal_size=self.max_literal_size,
            max_nonsync_literal=self.max_nonsync_literal,
            max_message_size=self.max_message_size,
            max_literals=self.max_literals,
            max_nesting_depth=self.max_nesting_depth,
        )
