"""Fixtures of the inventory tests: a small NetBox stand-in served over loopback HTTP (pynetbox talks to it)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

TOKEN = "0123456789abcdef0123456789abcdef01234567"


def netbox_device(
    pk: int, name, type_id: int, *, platform=None, release="", site="ber1", role="access", tags=(), custom=None
):
    """One device as NetBox's API writes it."""
    return {
        "id": pk,
        "url": f"/api/dcim/devices/{pk}/",
        "name": name,
        "device_type": {"id": type_id, "model": "Catalyst 9300-24P", "slug": "c9300-24p"},
        "role": {"id": 1, "name": role, "slug": role},
        "platform": platform,
        "serial": f"FOC{pk:08d}",
        "site": {"id": 1, "name": site, "slug": site},
        "tags": [{"id": i, "name": t, "slug": t} for i, t in enumerate(tags)],
        "custom_fields": {**({"software_version": release} if release else {}), **(custom or {})},
    }


class FakeNetBox:
    """Serves /api/status/, /api/dcim/device-types/ and /api/dcim/devices/ with offset/limit pagination."""

    def __init__(self) -> None:
        self.device_types = [
            {"id": 10, "model": "Catalyst 9300-24P", "slug": "c9300-24p", "part_number": "C9300-24P"},
            {"id": 11, "model": "Nexus 93180YC-FX", "slug": "n93180", "part_number": "N9K-C93180YC-FX"},
            {"id": 12, "model": "Mystery box", "slug": "mystery", "part_number": ""},
        ]
        self.devices = [
            netbox_device(1, "ber-acc-sw01", 10, release="17.9.4a", tags=("pci",)),
            netbox_device(
                2,
                "ams-dc-leaf01",
                11,
                platform={"id": 3, "name": "Cisco NX-OS 9.3(10)", "slug": "nxos"},
                site="ams1",
                role="dc-leaf",
            ),
            netbox_device(3, None, 10),  # unnamed devices cannot be imported
        ] + [netbox_device(100 + i, f"lon-acc-{i:03d}", 10, release="17.3.8a", site="lon1") for i in range(60)]
        self.requests: list[str] = []
        self.tokens: list[str] = []

    def page(self, items: list[dict], query: dict, path: str) -> dict:
        limit = int(query.get("limit", ["50"])[0]) or 50
        offset = int(query.get("offset", ["0"])[0])
        chunk = items[offset : offset + limit]
        more = offset + limit < len(items)
        return {
            "count": len(items),
            "next": f"{self.url}{path}?limit={limit}&offset={offset + limit}" if more else None,
            "previous": None,
            "results": chunk,
        }

    def handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):  # noqa: N802 - http.server's name
                parts = urlsplit(self.path)
                fake.requests.append(self.path)
                fake.tokens.append(self.headers.get("Authorization", ""))
                query = parse_qs(parts.query)
                if parts.path == "/api/status/":
                    body = {"netbox-version": "4.1.3", "django-version": "5.0.9"}
                elif parts.path == "/api/dcim/device-types/":
                    body = fake.page(fake.device_types, query, parts.path)
                elif parts.path == "/api/dcim/devices/":
                    items = fake.devices
                    if "site" in query:
                        items = [d for d in items if d["site"]["slug"] in query["site"]]
                    body = fake.page(items, query, parts.path)
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("API-Version", "4.1")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


@pytest.fixture
def netbox(settings):
    fake = FakeNetBox()
    server = ThreadingHTTPServer(("127.0.0.1", 0), fake.handler())
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.PORTAL_NETBOX_URL = fake.url
    settings.PORTAL_NETBOX_TOKEN = TOKEN
    yield fake
    server.shutdown()
    server.server_close()
