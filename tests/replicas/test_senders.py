"""Real notification senders: SMTP against a real local SMTP server (aiosmtpd, plain, STARTTLS and
implicit TLS with a private CA and a password), Tencent Cloud SMS through its official SDK against
a local HTTP stub (the SDK's endpoint override), and the routing by channel."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from sqlmodel import select

from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.notifier import dispatch_once
from infrastructure.senders import ChannelRouter, SmtpSender, TencentSmsSender, build_sender, phone_e164
from infrastructure.settings import Settings, SettingsError
from infrastructure.tables import Notification
from tests.support import free_port

BODY_ZH = "【劳动争议】您的案件有新进展：调解不成。 可办理：申请劳动争议仲裁，最后期限2027-03-01。 请凭案件编号和查询码查看详情。"
BODY_EN = "[Labour dispute] Your case has moved on: mediation failed. You may: apply for arbitration, by 2027-03-01."


# ---- a real SMTP server ------------------------------------------------------------------------


@dataclass
class Mailbox:
    """What the SMTP server received and who signed in."""

    messages: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)  # type: ignore[arg-type]
        self.messages.append((str(envelope.mail_from), list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 OK"

    def authenticate(self, server: SMTPServer, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        self.logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=(data.login, data.password) == (b"relay-user", b"relay-secret"))


def private_ca(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its own CA) and its key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "labourflow test relay")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=True, key_cert_sign=True, content_commitment=False,
                                     data_encipherment=False, key_agreement=False, crl_sign=False, encipher_only=False,
                                     decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "relay.crt", folder / "relay.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_file, key_file


@pytest.fixture
def relay_cert(tmp_path: Path) -> tuple[Path, ssl.SSLContext]:
    cert_file, key_file = private_ca(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return cert_file, context


@pytest.fixture
def smtp_server(request: pytest.FixtureRequest, relay_cert: tuple[Path, ssl.SSLContext]) -> Iterator[tuple[Mailbox, int, str]]:
    """aiosmtpd on a free port; `request.param` is the security: none, starttls or tls."""
    security: str = getattr(request, "param", "none")
    mailbox, port = Mailbox(), free_port()
    options: dict[str, Any] = {}
    if security == "starttls":
        options = {"tls_context": relay_cert[1], "require_starttls": True, "authenticator": mailbox.authenticate, "auth_require_tls": True}
    elif security == "tls":
        # The whole connection is TLS; aiosmtpd does not count implicit TLS for auth_require_tls, so
        # without this it would not offer AUTH at all.
        options = {"ssl_context": relay_cert[1], "authenticator": mailbox.authenticate, "auth_require_tls": False}
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, server_hostname="127.0.0.1", **options)
    controller.start()
    try:
        yield mailbox, port, security
    finally:
        controller.stop()


async def queue(db: Database, keyring: Keyring, channel: str, address: str, template: str = "case_update") -> None:
    async with db.write_session() as session:
        session.add(Notification(dedupe_key=f"case:LD-2026-000001|{channel}|{address}", subject="case:LD-2026-000001", channel=channel,
                                 recipient_kind="worker", recipient_enc=keyring.encrypt_text(address), template=template,
                                 body_zh=BODY_ZH, body_en=BODY_EN))
        await session.commit()


async def outbox_row(db: Database) -> Notification:
    async with db.session() as session:
        return (await session.exec(select(Notification))).one()


async def test_a_queued_email_arrives_with_recipient_subject_and_both_languages(
        settings: Settings, sqlite_db: Database, smtp_server: tuple[Mailbox, int, str]) -> None:
    mailbox, port, _ = smtp_server
    configured = settings.model_copy(update={"email_sender": "smtp", "smtp_host": "127.0.0.1", "smtp_port": port,
                                             "smtp_security": "none", "smtp_from": "notice@ldtj.example.cn"})
    keyring = Keyring.from_settings(settings)
    await queue(sqlite_db, keyring, "email", "li.jianguo@example.com")
    assert await dispatch_once(sqlite_db, keyring, build_sender(configured)) == 1
    [(mail_from, rcpt_tos, email)] = mailbox.messages
    assert mail_from == "notice@ldtj.example.cn" and rcpt_tos == ["li.jianguo@example.com"]
    assert email["To"] == "li.jianguo@example.com"
    assert email["Subject"] == "您的劳动争议案件有新进展 / Your labour dispute case has moved on"
    text = email.get_content()
    assert BODY_ZH in text and BODY_EN in text and text.index(BODY_ZH) < text.index(BODY_EN)  # Chinese first
    assert (await outbox_row(sqlite_db)).status == "sent"


@pytest.mark.parametrize("smtp_server", ["starttls", "tls"], indirect=True)
async def test_smtp_over_tls_with_a_private_ca_and_a_password(
        settings: Settings, sqlite_db: Database, smtp_server: tuple[Mailbox, int, str], relay_cert: tuple[Path, ssl.SSLContext]) -> None:
    mailbox, port, security = smtp_server
    keyring = Keyring.from_settings(settings)
    await queue(sqlite_db, keyring, "email", "li.jianguo@example.com")
    relay = {"email_sender": "smtp", "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": security,
             "smtp_user": "relay-user", "smtp_password": "relay-secret", "smtp_from": "notice@ldtj.example.cn"}
    # Without the private CA the relay's certificate is not trusted: nothing is sent, the row waits.
    assert await dispatch_once(sqlite_db, keyring, SmtpSender(settings.model_copy(update=relay))) == 0
    assert mailbox.messages == [] and (await outbox_row(sqlite_db)).status == "pending"
    trusted = settings.model_copy(update=relay | {"smtp_ca_file": relay_cert[0]})
    assert await dispatch_once(sqlite_db, keyring, SmtpSender(trusted)) == 1
    assert mailbox.logins == [("relay-user", "relay-secret")] and len(mailbox.messages) == 1
    assert mailbox.messages[0][1] == ["li.jianguo@example.com"]


async def test_inbox_messages_stay_in_the_log_when_smtp_is_configured(
        settings: Settings, sqlite_db: Database, smtp_server: tuple[Mailbox, int, str]) -> None:
    mailbox, port, _ = smtp_server
    sender = build_sender(settings.model_copy(update={"email_sender": "smtp", "smtp_host": "127.0.0.1", "smtp_port": port,
                                                      "smtp_security": "none", "smtp_from": "notice@ldtj.example.cn"}))
    keyring = Keyring.from_settings(settings)
    await queue(sqlite_db, keyring, "inbox", "mediator", template="task_reminder")
    assert await dispatch_once(sqlite_db, keyring, sender) == 1
    assert mailbox.messages == []  # a staff inbox message is not mailed
    assert isinstance(sender, ChannelRouter) and set(sender.senders) == {"email"}


# ---- Tencent Cloud SMS through its SDK, against a local stub of the API ---------------------------


@dataclass
class SmsGateway:
    """Answers SendSms like the real API (2021-01-11) and keeps what it was sent."""

    requests: list[tuple[dict[str, str], dict[str, Any]]] = field(default_factory=list)
    code: str = "Ok"

    def handler(self) -> type[BaseHTTPRequestHandler]:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.requests.append(({key.lower(): value for key, value in self.headers.items()}, body))
                status = {"SerialNo": "2433:1", "PhoneNumber": body["PhoneNumberSet"][0], "Fee": 1,
                          "SessionContext": body["SessionContext"], "Code": gateway.code,
                          "Message": "send success" if gateway.code == "Ok" else "refused", "IsoCode": "CN"}
                answer = json.dumps({"Response": {"SendStatusSet": [status], "RequestId": "req-1"}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def sms_gateway() -> Iterator[tuple[SmsGateway, int]]:
    gateway, port = SmsGateway(), free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), gateway.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gateway, port
    finally:
        server.shutdown()
        server.server_close()


def tencent_settings(settings: Settings, port: int) -> Settings:
    return settings.model_copy(update={
        "sms_sender": "tencent", "sms_secret_id": "AKIDtest", "sms_secret_key": "test-secret", "sms_app_id": "1400000001",
        "sms_sign_name": "浦东劳动争议调解", "sms_templates": {"case_update": "2000001", "*": "2000009"},
        "sms_endpoint": f"http://127.0.0.1:{port}"})


async def test_a_queued_sms_goes_through_the_tencent_sdk(
        settings: Settings, sqlite_db: Database, sms_gateway: tuple[SmsGateway, int]) -> None:
    gateway, port = sms_gateway
    keyring = Keyring.from_settings(settings)
    await queue(sqlite_db, keyring, "sms", "13812345678")
    assert await dispatch_once(sqlite_db, keyring, build_sender(tencent_settings(settings, port))) == 1
    [(headers, body)] = gateway.requests
    assert headers["x-tc-action"] == "SendSms" and headers["x-tc-version"] == "2021-01-11" and headers["x-tc-region"] == "ap-guangzhou"
    assert headers["authorization"].startswith("TC3-HMAC-SHA256 Credential=AKIDtest/")  # signed by the SDK
    assert body["PhoneNumberSet"] == ["+8613812345678"] and body["SmsSdkAppId"] == "1400000001"
    assert body["SignName"] == "浦东劳动争议调解" and body["TemplateId"] == "2000001"
    assert body["TemplateParamSet"] == [BODY_ZH.removeprefix("【劳动争议】")]  # the gateway adds the signature
    assert (await outbox_row(sqlite_db)).status == "sent"


async def test_a_refused_sms_is_retried_later(settings: Settings, sqlite_db: Database, sms_gateway: tuple[SmsGateway, int]) -> None:
    gateway, port = sms_gateway
    gateway.code = "LimitExceeded.PhoneNumberDailyLimit"
    keyring = Keyring.from_settings(settings)
    await queue(sqlite_db, keyring, "sms", "13812345678")
    assert await dispatch_once(sqlite_db, keyring, build_sender(tencent_settings(settings, port))) == 0
    row = await outbox_row(sqlite_db)
    assert row.status == "pending" and row.attempts == 1 and len(gateway.requests) == 1


def test_templates_without_an_approved_one_use_the_default(settings: Settings) -> None:
    from infrastructure.notifier import OutboundMessage

    sender = TencentSmsSender(tencent_settings(settings, 1))
    request = sender.request(OutboundMessage(7, "sms", "+8613812345678", "advance_legal_aid", "【法律援助】先行援助。", "x"))
    assert request.TemplateId == "2000009" and request.TemplateParamSet == ["先行援助。"] and request.SessionContext == "lf7"


@pytest.mark.parametrize(("number", "e164"), [("13812345678", "+8613812345678"), ("8613812345678", "+8613812345678"),
                                              ("008613812345678", "+8613812345678"), ("+8613812345678", "+8613812345678")])
def test_phone_numbers_for_the_gateway(number: str, e164: str) -> None:
    assert phone_e164(number) == e164


def test_a_real_sender_without_its_settings_stops_start_up(settings: Settings) -> None:
    with pytest.raises(SettingsError, match="LABOURFLOW_SMTP_HOST, LABOURFLOW_SMTP_FROM"):
        build_sender(settings.model_copy(update={"email_sender": "smtp"}))
    with pytest.raises(SettingsError, match=r"LABOURFLOW_SMS_SECRET_ID.*LABOURFLOW_SMS_TEMPLATES"):
        build_sender(settings.model_copy(update={"sms_sender": "tencent"}))
    assert set(build_sender(settings).senders) == set()  # type: ignore[attr-defined]  # the default: the log only
