"""POST /oauth2/default/v1/token: OAuth2 client credentials (form fields or HTTP Basic), as Okta answers them."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from portal.cisco.simulator.auth import TokenError, token_request_credentials
from portal.cisco.simulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from portal.cisco.simulator.app import Simulator

_NO_STORE = [("Cache-Control", "no-store"), ("Pragma", "no-cache")]


def token(sim: Simulator, request: Request, path_args: dict[str, str]) -> Response:
    """Issue a Bearer token for valid client credentials."""
    try:
        if request.media_type() != "application/x-www-form-urlencoded":
            raise TokenError(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded.")
        try:
            form = parse_qs(request.body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            raise TokenError(400, "invalid_request", "The body is not valid UTF-8.") from None
        client_id, secret = token_request_credentials(form, request.header("Authorization"))
        access_token, expires_in = sim.auth.issue(client_id, secret, sim.clock.now())
    except TokenError as exc:
        body = {"error": exc.error, "error_description": exc.description}
        return json_response(exc.status, body, _NO_STORE)
    payload = {"token_type": "Bearer", "expires_in": expires_in, "access_token": access_token}
    response = json_response(200, payload, _NO_STORE)
    response.client_id = client_id
    return response
