"""Sending through SMTP with the standard smtplib, and telling a temporary failure from a
permanent one.

smtplib is blocking; the worker runs in its own thread or process, so a blocking client
is the simple choice (aiosmtplib would add a dependency and an event loop for nothing).
"""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
from email.message import EmailMessage
from types import TracebackType

from parvis.config import MailSettings


class SendError(Exception):
    """A mail could not be sent. `permanent`: retrying will not help (a 5xx answer)."""

    def __init__(self, message: str, *, permanent: bool, connection: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.connection = connection  # the server itself failed: the rest of the batch waits too


class SmtpSender:
    """One SMTP session, reused for a batch of mails: `with SmtpSender(cfg) as s: s.send(m)`."""

    def __init__(self, settings: MailSettings) -> None:
        self._cfg = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        cfg = self._cfg
        try:
            smtp: smtplib.SMTP
            if cfg.security == "tls":
                smtp = smtplib.SMTP_SSL(
                    cfg.host, cfg.port, timeout=cfg.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
                if cfg.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
            if cfg.user:
                smtp.login(cfg.user, os.environ.get(cfg.password_env, ""))
        except smtplib.SMTPAuthenticationError as exc:
            # Our configuration, not the mail, is wrong: keep the mails for later.
            raise SendError(
                f"SMTP authentication failed: {exc.smtp_code}", permanent=False, connection=True
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise SendError(
                f"cannot reach the SMTP server: {_describe(exc)}", permanent=False, connection=True
            ) from None
        return smtp

    def send(self, message: EmailMessage) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            refused = self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise SendError(
                f"recipient refused: {codes}", permanent=all(c >= 500 for c in codes)
            ) from None
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code == 421:  # the server is closing the session
                self.close()
                raise SendError(f"SMTP {exc.smtp_code}", permanent=False, connection=True) from None
            self._reset()
            raise SendError(f"SMTP {exc.smtp_code}", permanent=exc.smtp_code >= 500) from None
        except (OSError, smtplib.SMTPException) as exc:  # disconnected, timed out
            self.close()
            raise SendError(
                f"SMTP connection lost: {_describe(exc)}", permanent=False, connection=True
            ) from None
        if refused:
            codes = [code for code, _ in refused.values()]
            raise SendError(f"recipient refused: {codes}", permanent=all(c >= 500 for c in codes))

    def _reset(self) -> None:
        try:
            if self._smtp is not None:
                self._smtp.rset()
        except (OSError, smtplib.SMTPException):
            self.close()

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout | TimeoutError) or "timed out" in str(exc):
        return "timeout"  # smtplib reports a silent server as a disconnection "timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    return type(exc).__name__
