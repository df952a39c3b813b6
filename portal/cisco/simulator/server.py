"""The HTTP/1.1 server: a thread per connection, keep-alive, faults applied around the simulator's answers."""

from __future__ import annotations

import itertools
import re
import socket
import sys
import time
from collections.abc import Callable, Iterable
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from portal.cisco.simulator.app import Simulator, redact_query
from portal.cisco.simulator.body import Buffer, apply_fault, send_parts, split_at
from portal.cisco.simulator.faults import Fault
from portal.cisco.simulator.wire import Request, Response, gateway_error, reason_phrase

MAX_BODY = 1 << 20
_HOST_RE = re.compile(r"(?:[A-Za-z0-9._\-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?")
_FAULT_MESSAGES = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "API Maintenance/Service Unavailable",
    504: "Gateway Timeout",
}


class SimulatorServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one :class:`Simulator`."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], sim: Simulator) -> None:
        self.sim = sim
        super().__init__(address, SimulatorRequestHandler)

    @property
    def url(self) -> str:
        """The base URL the server listens on."""
        address, port = self.server_address[:2]
        host = address.decode() if isinstance(address, bytes) else str(address)
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}"


class SimulatorRequestHandler(BaseHTTPRequestHandler):
    """Reads a request, consults the fault switchboard, asks the simulator, writes the answer."""

    protocol_version = "HTTP/1.1"
    server_version = "depot-asd-simulator"
    sys_version = ""
    timeout = 300  # a connection idle (or a client not reading) this many seconds is closed
    disable_nagle_algorithm = True
    server: SimulatorServer

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        """Every method goes through the same path."""
        self._serve()

    do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET  # noqa: N815

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors of the HTTP layer itself (a request line over 64 KiB: 414, a malformed one: 400, an unknown
        method: 501, too many headers: 431 ...) answer the same JSON error body as every other error."""
        self.close_connection = True
        if not hasattr(self, "command"):
            self.command = ""  # no request line was read: nothing says HEAD
        self._write(gateway_error(code, _FAULT_MESSAGES.get(code)).response(), None)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        """Silence the default stderr logging unless the access log is on."""
        if self.server.sim.config.access_log:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    # -- request --------------------------------------------------------------------------------------------

    def _read_body(self) -> bytes | None:
        """The request body, or None after answering an unreadable one."""
        if self.headers.get("Transfer-Encoding", "").strip().lower() == "chunked":
            return self._read_chunked()
        raw = self.headers.get("Content-Length")
        if raw is None:
            return b""
        try:
            length = int(raw)
            if length < 0:
                raise ValueError(raw)
        except ValueError:
            self._refuse(400, "Bad Request")
            return None
        if length > MAX_BODY:
            self._refuse(413, "Request Entity Too Large")
            return None
        return self.rfile.read(length)

    def _read_chunked(self) -> bytes | None:
        body = bytearray()
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                self._refuse(400, "Bad Request")
                return None
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    continue  # trailers
                return bytes(body)
            if len(body) + size > MAX_BODY:
                self._refuse(413, "Request Entity Too Large")
                return None
            body += self.rfile.read(size)
            self.rfile.readline(16)

    def _refuse(self, status: int, message: str) -> None:
        self.close_connection = True  # the rest of the stream cannot be trusted
        self._write(gateway_error(status, message).response(), None)

    def _base_url(self) -> str:
        public = self.server.sim.config.public_url
        if public:
            return public.rstrip("/")
        host = (self.headers.get("Host") or "").strip()
        return f"http://{host}" if host and _HOST_RE.fullmatch(host) else self.server.url

    # -- the exchange ---------------------------------------------------------------------------------------

    def _serve(self) -> None:
        sim = self.server.sim
        body = self._read_body()
        if body is None:
            return
        split = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=split.path or "/",
            query=parse_qs(split.query, keep_blank_values=True),
            headers=self.headers,
            body=body,
            base_url=self._base_url(),
            peer=str(self.client_address[0]),
        )
        fault = None if request.path.startswith("/_sim/") else sim.faults.take(request.method, request.path)
        if fault is not None and fault.kind == "drop":
            # Logged before the connection is cut, so a client that sees the drop finds its request in the log.
            self._access_line(request, self._record(request, split.query, None, 0, fault))
            self._drop()
            return
        if fault is not None and fault.kind == "delay":
            time.sleep(fault.delay)
        if fault is not None and fault.kind == "hold" and fault.after_bytes == 0:
            sim.faults.hold(fault, request.method, request.path)
        if fault is not None and fault.kind == "status":
            response = gateway_error(fault.status, _FAULT_MESSAGES.get(fault.status)).response()
        else:
            response = sim.handle(request)
        recorded: list[dict[str, Any] | None] = []

        def publish(body_bytes: int) -> None:
            # Runs before the last bytes are sent: the entry is in the log before the client has its answer.
            recorded.append(self._record(request, split.query, response, body_bytes, fault))

        sent = self._write(response, fault, publish)
        if not recorded:  # the peer went away before the last batch
            recorded.append(self._record(request, split.query, response, sent, fault))
        entry = recorded[0]
        if entry is not None and entry["bytes"] != sent:  # the last batch failed: keep the log honest
            sim.log.update(entry, bytes=sent)
        self._access_line(request, entry)

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _write(self, response: Response, fault: Fault | None, before_last: Callable[[int], None] | None = None) -> int:
        """Send the status line, headers and body; return the body bytes sent (-1 if the peer went away).

        ``before_last(body_bytes)`` runs just before the last bytes of the answer are sent.
        """
        no_body = self.command == "HEAD" or response.status in (204, 304)
        head = [f"HTTP/1.1 {response.status} {reason_phrase(response.status)}"]
        head += [f"Server: {self.server_version}", f"Date: {formatdate(usegmt=True)}"]
        head += [f"{name}: {value}" for name, value in response.headers]
        head.append(f"Content-Length: {response.length}")
        if self.close_connection:
            head.append("Connection: close")
        if fault is not None and fault.kind == "truncate":
            self.close_connection = True  # without saying so first, as a cut connection would
        header = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1", errors="replace")
        if no_body:
            parts: list = []
        elif response.content is not None:
            parts = response.content.iter_range(response.start, response.end)  # type: ignore[assignment]
        else:
            parts = [response.body]
        try:
            if fault is not None and fault.kind == "hold" and fault.after_bytes > 0 and not no_body:
                return self._write_held(header, parts, fault, before_last)
            # The header goes out in the same scatter/gather write as the start of the body.
            hook = None if before_last is None else lambda total: before_last(total - len(header))
            chained = itertools.chain([header], apply_fault(parts, fault))
            return send_parts(self.connection, chained, hook) - len(header)
        except OSError:
            self.close_connection = True
            return -1

    def _write_held(
        self, header: bytes, parts: Iterable[Buffer], fault: Fault, before_last: Callable[[int], None] | None
    ) -> int:
        """Send the header and ``fault.after_bytes`` body bytes, wait for the release, then send the rest."""
        head, rest = split_at(parts, fault.after_bytes)
        first = send_parts(self.connection, [header, *head]) - len(header)
        self.server.sim.faults.hold(fault, self.command, urlsplit(self.path).path)
        hook = None if before_last is None else lambda total: before_last(first + total)
        return first + send_parts(self.connection, rest, hook)

    def _record(
        self, request: Request, query: str, response: Response | None, sent: int, fault: Fault | None
    ) -> dict[str, Any] | None:
        """Add the request to the log (control paths are not logged); return the entry added."""
        sim = self.server.sim
        if request.path.startswith("/_sim/"):
            return None
        entry = {
            "method": request.method,
            "path": request.path,
            "query": redact_query(query),
            "client": response.client_id if response else None,
            "status": response.status if response else None,
            "time": sim.clock.now(),
            "bytes": sent,
            "range": request.header("Range"),
            "fault": fault.kind if fault else None,
        }
        sim.log.add(entry)
        return entry

    def _access_line(self, request: Request, entry: dict[str, Any] | None) -> None:
        """Print the access-log line of a logged request (when asked to), with its final byte count."""
        if entry is None or not self.server.sim.config.access_log:
            return
        fault = entry["fault"]
        sys.stderr.write(
            f'{self.client_address[0]} {entry["client"] or "-"} "{request.method} {request.path}" '
            f"{entry['status'] or 'dropped'} {entry['bytes']}{' fault=' + fault if fault else ''}\n"
        )
