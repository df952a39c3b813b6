"""The signature of a delivery: ``X-Depot-Signature: sha256=<hex HMAC-SHA256 of the exact body bytes>``.

Receivers verify it the same way (the README shows it in a few lines): compute the HMAC of the raw body with the
shared secret and compare in constant time, before parsing the JSON.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Depot-Signature"
EVENT_HEADER = "X-Depot-Event"
DELIVERY_HEADER = "X-Depot-Delivery"


def signature(body: bytes, secret: str) -> str:
    """The header value for ``body`` signed with ``secret``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def signature_valid(body: bytes, secret: str, header: str) -> bool:
    """Whether ``header`` is the signature of ``body`` with ``secret`` (constant-time comparison)."""
    return hmac.compare_digest(signature(body, secret), header.strip())
