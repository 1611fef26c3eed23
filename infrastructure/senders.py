"""Real notification senders behind `infrastructure.notifier.Sender`, chosen by setting:

- e-mail by SMTP (`aiosmtplib`): `LABOURFLOW_EMAIL_SENDER=smtp` and `LABOURFLOW_SMTP_*`;
- SMS by Tencent Cloud SMS (the official `tencentcloud-sdk-python-sms`): `LABOURFLOW_SMS_SENDER=tencent`
  and `LABOURFLOW_SMS_*`.

Any channel without a real sender (and staff `inbox` messages, which the pages show) goes to the
development `LogSender`, which stays the default. `build_sender` routes each message by its channel.
"""

from __future__ import annotations

import asyncio
import json
import re
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import lru_cache
from pathlib import Path
from typing import Any

import structlog

from infrastructure.notifier import LogSender, OutboundMessage, Sender
from infrastructure.settings import Settings, SettingsError

log = structlog.get_logger("labourflow.notify")


class NotDelivered(RuntimeError):
    """The gateway refused the message (the dispatcher retries it, then marks it failed)."""


class ChannelRouter:
    """Hands each message to the sender of its channel, or to the fallback."""

    def __init__(self, senders: dict[str, Sender], fallback: Sender) -> None:
        self.senders, self.fallback = senders, fallback

    async def send(self, message: OutboundMessage) -> None:
        await self.senders.get(message.channel, self.fallback).send(message)


def _missing(settings: Settings, names: tuple[str, ...], why: str) -> None:
    absent = [f"LABOURFLOW_{name.upper()}" for name in names if not getattr(settings, name)]
    if absent:
        raise SettingsError(f"{why} needs {', '.join(absent)}")


# ---- e-mail -----------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def subjects(templates_dir: Path) -> dict[str, dict[str, str]]:
    """E-mail subjects per message template (templates/messages/subjects.json), Chinese and English."""
    path = templates_dir / "messages" / "subjects.json"
    loaded: dict[str, dict[str, str]] = json.loads(path.read_text("utf-8")) if path.is_file() else {}
    return loaded


def email_message(message: OutboundMessage, sender: str, templates_dir: Path) -> EmailMessage:
    """The e-mail for one outbox message: bilingual subject, Chinese then English body, UTF-8."""
    subject = subjects(templates_dir).get(message.template) or subjects(templates_dir).get("*") or {
        "zh": "劳动争议多元化解通知", "en": "Labour dispute notification"}
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.address
    email["Subject"] = f"{subject['zh']} / {subject['en']}"
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(idstring=f"lf{message.notification_id}", domain=sender.rpartition("@")[2] or None)
    email.set_content(f"{message.body_zh}\n\n{message.body_en}\n", charset="utf-8")
    if message.attachment is not None:
        name, media_type, text = message.attachment
        maintype, _, subtype = media_type.partition("/")
        email.add_attachment(text.encode("utf-8"), maintype=maintype, subtype=subtype or "octet-stream", filename=name)
    return email


class SmtpSender:
    """Sends `email` messages through an SMTP relay (STARTTLS, implicit TLS, or plain on a trusted network)."""

    def __init__(self, settings: Settings) -> None:
        _missing(settings, ("smtp_host", "smtp_from"), "LABOURFLOW_EMAIL_SENDER=smtp")
        self._settings = settings
        self._tls = ssl.create_default_context(cafile=str(settings.smtp_ca_file) if settings.smtp_ca_file else None)

    async def send(self, message: OutboundMessage) -> None:
        import aiosmtplib

        settings = self._settings
        email = email_message(message, settings.smtp_from, settings.templates_dir)
        try:
            await aiosmtplib.send(
                email,
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_user or None,
                password=settings.smtp_password or None,
                use_tls=settings.smtp_security == "tls",
                start_tls=settings.smtp_security == "starttls",
                tls_context=self._tls if settings.smtp_security != "none" else None,
                timeout=settings.smtp_timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise NotDelivered(f"the relay refused the recipient ({len(exc.recipients)})") from None


# ---- SMS (Tencent Cloud) -----------------------------------------------------------------------

_TAG = re.compile(r"^【[^】]{1,12}】")  # the gateway adds the approved signature itself


def phone_e164(number: str) -> str:
    """Chinese mobile numbers as the gateway wants them: +86 and 11 digits."""
    digits = number.strip().replace(" ", "").replace("-", "")
    if digits.startswith("+"):
        return digits
    return f"+86{digits.removeprefix('0086').removeprefix('86') if len(digits) > 11 else digits}"


class TencentSmsSender:
    """Sends `sms` messages with Tencent Cloud SMS (短信, API 2021-01-11, SendSms).

    Chinese gateways send only approved templates: each of our message templates maps to an
    approved template id (`LABOURFLOW_SMS_TEMPLATES`, `*` for all others) whose single variable {1}
    receives the Chinese text without its 【...】 tag (the gateway prefixes the approved signature)."""

    def __init__(self, settings: Settings) -> None:
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        _missing(settings, ("sms_secret_id", "sms_secret_key", "sms_app_id", "sms_sign_name", "sms_templates"),
                 "LABOURFLOW_SMS_SENDER=tencent")
        self._settings = settings
        # An endpoint written with a scheme (http://127.0.0.1:8080) is for tests and private gateways.
        scheme, _, host = settings.sms_endpoint.rpartition("://")
        http = HttpProfile(endpoint=host, protocol=scheme or "https", reqTimeout=int(settings.sms_timeout))
        self._client = sms_client.SmsClient(credential.Credential(settings.sms_secret_id, settings.sms_secret_key),
                                            settings.sms_region, ClientProfile(httpProfile=http))

    def template_id(self, template: str) -> str:
        chosen = self._settings.sms_templates.get(template) or self._settings.sms_templates.get("*")
        if not chosen:
            log.warning("no approved SMS template for this message template: set LABOURFLOW_SMS_TEMPLATES", template=template)
            raise NotDelivered(f"no approved SMS template for '{template}' (LABOURFLOW_SMS_TEMPLATES)")
        return chosen

    def request(self, message: OutboundMessage) -> Any:
        """The SendSms request for one message."""
        from tencentcloud.sms.v20210111 import models

        request = models.SendSmsRequest()
        request.PhoneNumberSet = [phone_e164(message.address)]
        request.SmsSdkAppId = self._settings.sms_app_id
        request.SignName = self._settings.sms_sign_name
        request.TemplateId = self.template_id(message.template)
        request.TemplateParamSet = [_TAG.sub("", message.body_zh).strip()]
        request.SessionContext = f"lf{message.notification_id}"  # echoed in delivery receipts; no personal data
        return request

    async def send(self, message: OutboundMessage) -> None:
        request = self.request(message)
        answer = await asyncio.to_thread(self._client.SendSms, request)
        statuses = answer.SendStatusSet or []
        if not statuses or statuses[0].Code != "Ok":
            code = statuses[0].Code if statuses else "no status"
            raise NotDelivered(f"Tencent Cloud SMS refused the message: {code} (request {answer.RequestId})")


def build_sender(settings: Settings) -> Sender:
    """The sender the settings choose: SMTP and/or Tencent SMS by channel, the log for the rest."""
    senders: dict[str, Sender] = {}
    if settings.email_sender == "smtp":
        senders["email"] = SmtpSender(settings)
    if settings.sms_sender == "tencent":
        senders["sms"] = TencentSmsSender(settings)
    if settings.is_production and "sms" not in senders:
        log.warning("SMS messages are only written to the log: set LABOURFLOW_SMS_SENDER=tencent to send them")
    return ChannelRouter(senders, LogSender())
