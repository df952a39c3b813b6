"""OAuth2 client credentials as Cisco's token endpoint (Okta) gives them, and Bearer token checks.

Tokens are opaque random strings held in memory with their client and expiry on the simulator clock; they
outlive ``POST /_sim/reset`` unless the reset asks for ``{"tokens": true}`` (they belong to the identity
provider, not to the ASD service whose state a reset clears).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import threading
from dataclasses import dataclass
from urllib.parse import unquote_plus

from portal.cisco.simulator.config import TOKEN_LIFETIME, ClientConfig


@dataclass(frozen=True)
class IssuedToken:
    """An access token and what it stands for."""

    client_id: str
    expires_at: float


class TokenError(Exception):
    """The token request was refused (OAuth error code and description, HTTP status)."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description


class Authority:
    """Configured clients and the tokens issued to them."""

    def __init__(self, clients: tuple[ClientConfig, ...]) -> None:
        self._clients = {c.client_id: c for c in clients}
        self._tokens: dict[str, IssuedToken] = {}
        self._lock = threading.Lock()

    def client(self, client_id: str) -> ClientConfig | None:
        """The configured client with this id."""
        return self._clients.get(client_id)

    def add_client(self, client: ClientConfig) -> None:
        """Add or replace a client (control API)."""
        with self._lock:
            self._clients[client.client_id] = client

    def client_ids(self) -> list[str]:
        """Ids of the configured clients."""
        return sorted(self._clients)

    def issue(self, client_id: str, client_secret: str, now: float) -> tuple[str, int]:
        """Check credentials and return (access_token, expires_in)."""
        client = self._clients.get(client_id)
        # Compare even for unknown ids so the answer takes the same time either way.
        expected = client.client_secret if client else secrets.token_hex(16)
        if not hmac.compare_digest(expected.encode(), client_secret.encode()) or client is None:
            raise TokenError(401, "invalid_client", "Client authentication failed.")
        token = secrets.token_urlsafe(36)
        with self._lock:
            self._tokens[token] = IssuedToken(client_id, now + TOKEN_LIFETIME)
            if len(self._tokens) > 50_000:  # drop long-expired tokens now and then
                for key in [k for k, v in self._tokens.items() if v.expires_at < now - 86_400]:
                    del self._tokens[key]
        return token, TOKEN_LIFETIME

    def check(self, token: str, now: float) -> str | None:
        """The client id of a valid, unexpired token, else None."""
        with self._lock:
            issued = self._tokens.get(token)
        if issued is None or now >= issued.expires_at:
            return None
        return issued.client_id

    def forget_tokens(self) -> None:
        """Invalidate every token."""
        with self._lock:
            self._tokens.clear()


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    """(client_id, client_secret) of an ``Authorization: Basic`` header (RFC 6749 2.3.1 form-encodes both)."""
    if not authorization:
        return None
    scheme, _, encoded = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        return None
    return unquote_plus(client_id), unquote_plus(secret)


def token_request_credentials(form: dict[str, list[str]], authorization: str | None) -> tuple[str, str]:
    """Validate a client-credentials token request; return (client_id, client_secret) or raise TokenError."""
    grant_type = (form.get("grant_type") or [""])[0]
    if not grant_type:
        raise TokenError(400, "invalid_request", "The request is missing the grant_type parameter.")
    if grant_type != "client_credentials":
        raise TokenError(400, "unsupported_grant_type", f"The authorization grant type {grant_type} is not supported.")
    basic = basic_credentials(authorization)
    if basic is not None:
        return basic
    client_id = (form.get("client_id") or [""])[0]
    secret = (form.get("client_secret") or [""])[0]
    if not client_id or not secret:
        raise TokenError(401, "invalid_client", "Client authentication failed.")
    return client_id, secret
