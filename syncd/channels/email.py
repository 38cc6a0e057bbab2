"""Email by SMTP (reference §4): `EmailMessage` with the text part first and the HTML part
last (the one clients prefer), verified TLS, every recipient in one transaction.

TLS is always verified (`ssl.create_default_context()`, plus `ca_file`): smtplib's own
default context checks nothing (CPython gh-72507). STARTTLS configured but not offered is an
error, never a silent downgrade. `Message-ID` is derived from the delivery, so a message the
ledger had to resend (the at-least-once window) carries the same id and clients that drop
duplicates drop it. `Date` comes from the injected clock; `Auto-Submitted` keeps vacation
replies away; `List-Id` lets people filter.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from syncd.channels.base import ChannelError, Outgoing
from syncd.channels.config import EmailChannel


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].strip(" >") or "localhost"


def build_message(cfg: EmailChannel, out: Outgoing, recipients: tuple[str, ...]) -> EmailMessage:
    d = out.digest
    subject = cfg.subject.format(
        title=d.title,
        digest=d.name,
        period=d.period.label,
        open=d.totals.open,
        overdue=d.totals.overdue,
    )
    domain = domain_of(cfg.sender)
    token = hashlib.sha256(out.delivery_id.encode()).hexdigest()[:32]
    msg = EmailMessage()
    msg["Subject"] = " ".join(subject.split())  # no header injection through a title
    msg["From"] = cfg.sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = format_datetime(out.now)
    msg["Message-ID"] = f"<{token}.digest@{domain}>"
    msg["Auto-Submitted"] = "auto-generated"
    msg["List-Id"] = f"syncd digest {d.name} <{_label(d.name)}.digest.{domain}>"
    msg["X-Syncd-Digest"] = f"{d.name} {d.period.label}"
    msg.set_content(out.renderer.render(d, "text", out.options))
    msg.add_alternative(out.renderer.html(d, out.options), subtype="html")
    return msg


def _label(name: str) -> str:
    return "".join(c if c.isalnum() or c == "-" else "-" for c in name.lower()) or "digest"


def _password(cfg: EmailChannel, out: Outgoing) -> str | None:
    if cfg.password is not None:
        return cfg.password.get_secret_value()
    if cfg.password_file is None:
        return None
    path = cfg.password_file.expanduser()
    path = path if path.is_absolute() else out.base_dir / path
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ChannelError(
            f"cannot read the SMTP password_file {path}: {exc.strerror}", permanent=True
        ) from None


def _tls(cfg: EmailChannel, out: Outgoing) -> ssl.SSLContext:
    cafile = None
    if cfg.ca_file is not None:
        path = cfg.ca_file.expanduser()
        cafile = str(path if path.is_absolute() else out.base_dir / path)
    return ssl.create_default_context(cafile=cafile)


def send_email(cfg: EmailChannel, out: Outgoing) -> str:
    recipients = out.recipients or tuple(cfg.to)
    msg = build_message(cfg, out, recipients)
    where = f"SMTP {cfg.host}:{cfg.port_or_default}"
    local = domain_of(cfg.sender)  # EHLO name: not socket.getfqdn() (slow, leaks the host)
    try:
        if cfg.security == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                cfg.host,
                cfg.port_or_default,
                local_hostname=local,
                timeout=cfg.timeout,
                context=_tls(cfg, out),
            )
        else:
            smtp = smtplib.SMTP(
                cfg.host, cfg.port_or_default, local_hostname=local, timeout=cfg.timeout
            )
        with smtp:
            if cfg.security == "starttls":
                smtp.ehlo()
                if not smtp.has_extn("starttls"):
                    raise ChannelError(
                        f"{where} does not offer STARTTLS; refusing to send in clear text",
                        permanent=True,
                    )
                smtp.starttls(context=_tls(cfg, out))
                smtp.ehlo()
            if cfg.username:
                smtp.login(cfg.username, _password(cfg, out) or "")
            refused = smtp.send_message(msg, from_addr=_bare(cfg.sender), to_addrs=recipients)
    except ChannelError:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise ChannelError(f"{where}: login refused ({exc.smtp_code})", permanent=True) from None
    except smtplib.SMTPRecipientsRefused as exc:
        codes = ", ".join(f"{a} {c}" for a, (c, _) in exc.recipients.items())
        raise ChannelError(f"{where}: every recipient refused ({codes})", permanent=True) from None
    except smtplib.SMTPResponseException as exc:
        permanent = 500 <= exc.smtp_code < 600
        raise ChannelError(
            f"{where}: {exc.smtp_code} {_text(exc.smtp_error)}", permanent=permanent
        ) from None
    except ssl.SSLCertVerificationError as exc:
        raise ChannelError(
            f"{where}: the server's certificate is not trusted ({exc.verify_message}); "
            "set ca_file for a private CA",
            permanent=True,
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise ChannelError(f"{where}: {type(exc).__name__}: {exc}") from None
    sent = f"sent to {len(recipients) - len(refused)} recipient(s)"
    if refused:
        sent += "; refused: " + ", ".join(f"{a} ({c})" for a, (c, _) in refused.items())
    return sent


def _bare(address: str) -> str:
    try:
        return Address(addr_spec=address).addr_spec
    except (ValueError, IndexError):
        return address


def _text(value: bytes | str) -> str:
    text = value.decode(errors="replace") if isinstance(value, bytes) else value
    return " ".join(text.split())[:200]
