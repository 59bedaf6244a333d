"""Direct SMTP mail: ``smtp://[user:password@]host:port?from=...&to=a@x,b@y[&starttls=1]``.

The message is multipart/alternative (plain text and HTML) and carries the delivery id as
``Message-ID`` so a mail server or client can recognise a resend.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import parse_qs, unquote, urlsplit

from alerts.channels.keys import channel_url
from alerts.channels.message import render_payload
from alerts.channels.pinning import pinned_scope
from alerts.errors import PermanentError, RetryableError
from alerts.tables import DeliveryRow
from models import Subscription
from services.platform.netguard import ForbiddenTarget
from services.platform.outbound import refuse_internal_static

DEFAULT_PORT = 25


def build_mail(delivery: DeliveryRow, sender: str, recipients: list[str]) -> EmailMessage:
    message = render_payload(delivery.payload)
    mail = EmailMessage()
    mail["Subject"] = message.title
    mail["From"] = sender
    mail["To"] = ", ".join(recipients)
    mail["Date"] = formatdate(usegmt=True)
    mail["Message-ID"] = f"<{delivery.id}@tocsin>"
    mail.set_content(message.text)
    mail.add_alternative(message.html, subtype="html")
    return mail


class SmtpChannel:
    def __init__(self, *, allow_private: bool, timeout: float) -> None:
        self.allow_private = allow_private
        self.timeout = timeout

    async def send(self, delivery: DeliveryRow, subscription: Subscription) -> int | None:
        url = channel_url(subscription, delivery.channel)
        if url is None:
            raise PermanentError("the subscription no longer has this channel")
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        recipients = [r.strip() for value in query.get("to", []) for r in value.split(",") if r.strip()]
        sender = (query.get("from") or [f"tocsin@{parts.hostname}"])[0]
        if not parts.hostname or not recipients:
            raise PermanentError("smtp channel needs a host and at least one 'to' address")
        try:
            refuse_internal_static(url, self.allow_private)
        except ForbiddenTarget as exc:
            raise PermanentError(f"forbidden target: {exc}") from None
        mail = build_mail(delivery, sender, recipients)
        try:
            await asyncio.to_thread(
                self._send_pinned,
                parts.hostname,
                parts.port or DEFAULT_PORT,
                mail,
                unquote(parts.username) if parts.username else None,
                unquote(parts.password) if parts.password else None,
                (query.get("starttls") or ["0"])[0] in ("1", "true", "yes"),
            )
        except ForbiddenTarget as exc:
            raise PermanentError(f"forbidden target: {exc}") from None
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentError(f"recipients refused: {list(exc.recipients)}") from None
        except smtplib.SMTPResponseException as exc:
            error = f"SMTP {exc.smtp_code}"
            if 500 <= exc.smtp_code < 600:
                raise PermanentError(error, status=exc.smtp_code) from None
            raise RetryableError(error, status=exc.smtp_code) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise RetryableError(f"{type(exc).__name__}: {exc}"[:500]) from None
        return 250

    def _send_pinned(
        self, host: str, port: int, mail: EmailMessage, username: str | None, password: str | None, starttls: bool
    ) -> None:
        """Sends within a pinned scope: smtplib connects to the address just checked, only."""
        with pinned_scope(self.allow_private, only_host=host) as scope:
            try:
                scope.addresses(host, port)
            except OSError as exc:
                raise ForbiddenTarget(str(exc.args[-1])) from None
            self._send_blocking(host, port, mail, username, password, starttls)

    def _send_blocking(
        self, host: str, port: int, mail: EmailMessage, username: str | None, password: str | None, starttls: bool
    ) -> None:
        with smtplib.SMTP(host, port, timeout=self.timeout) as client:
            if starttls:
                client.starttls(context=ssl.create_default_context())
            if username and password:
                client.login(username, password)
            client.send_message(mail)
