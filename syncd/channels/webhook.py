"""A generic webhook: POST the JSON digest, signed the Standard Webhooks way (reference §3):
`webhook-id` (stable across retries, so a receiver can drop a repeat), `webhook-timestamp`,
and with a secret `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from syncd.channels.base import Outgoing
from syncd.channels.config import WebhookChannel
from syncd.channels.http import post_json
from syncd.digest.jsonout import digest_json


def signature(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 signature>`; a `whsec_` secret is base64 as Standard Webhooks issues it."""
    key = (
        base64.b64decode(secret.removeprefix("whsec_"))
        if secret.startswith("whsec_")
        else (secret.encode())
    )
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    mac = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def send_webhook(cfg: WebhookChannel, out: Outgoing) -> str:
    body = json.dumps(digest_json(out.digest), ensure_ascii=False).encode()
    timestamp = int(out.now.timestamp())
    headers = {"webhook-id": out.delivery_id, "webhook-timestamp": str(timestamp)}
    if cfg.secret is not None:
        headers["webhook-signature"] = signature(
            cfg.secret.get_secret_value(), out.delivery_id, timestamp, body
        )
    response = post_json(
        cfg.url.get_secret_value(),
        None,
        what="webhook",
        timeout=cfg.timeout,
        headers=headers,
        body=body,
    )
    return f"HTTP {response.status_code}"
