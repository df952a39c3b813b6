"""NetBox sync with pynetbox against a small NetBox stand-in served over loopback HTTP."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from portal.inventory.choices import DeviceSource, OsFamily
from portal.inventory.models import Device
from portal.inventory.services.netbox import NetBoxError, netbox_sync, release_from_platform

TOKEN = "0123456789abcdef0123456789abcdef01234567"


def _device(pk: int, name: str, type_id: int, *, platform=None, release="", site="ber1", role="access", tags=()):
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
        "custom_fields": {"software_version": release} if release else {},
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
            _device(1, "ber-acc-sw01", 10, release="17.9.4a", tags=("pci",)),
            _device(
                2,
                "ams-dc-leaf01",
                11,
                platform={"id": 3, "name": "Cisco NX-OS 9.3(10)", "slug": "nxos"},
                site="ams1",
                role="dc-leaf",
            ),
            _device(3, None, 10),  # unnamed devices cannot be imported
        ] + [_device(100 + i, f"lon-acc-{i:03d}", 10, release="17.3.8a", site="lon1") for i in range(60)]
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


@pytest.mark.django_db
def test_sync_maps_netbox_fields_and_pages_through(netbox):
    result = netbox_sync()
    assert (result.seen, result.created, result.updated) == (63, 62, 0)
    assert [name for name, _ in result.skipped] == ["NetBox device 3"]
    sw = Device.objects.get(hostname="ber-acc-sw01")
    assert (sw.pid, sw.current_release, sw.site, sw.role, sw.netbox_id, sw.source) == (
        "C9300-24P",
        "17.9.4a",
        "ber1",
        "access",
        1,
        DeviceSource.NETBOX,
    )
    assert list(sw.tags.values_list("name", flat=True)) == ["pci"]
    leaf = Device.objects.get(hostname="ams-dc-leaf01")
    assert leaf.pid == "N9K-C93180YC-FX" and leaf.current_release == "9.3(10)" and leaf.os_family == OsFamily.NX_OS
    assert all(token == f"Token {TOKEN}" for token in netbox.tokens)
    assert sum(1 for r in netbox.requests if r.startswith("/api/dcim/devices/")) >= 2  # more than one page


@pytest.mark.django_db
def test_sync_twice_updates_without_duplicates_and_follows_renames(netbox):
    netbox_sync()
    netbox.devices[0]["name"] = "ber-acc-sw01-new"
    netbox.devices[0]["custom_fields"]["software_version"] = "17.12.4"
    result = netbox_sync()
    assert result.created == 0 and result.updated == 62
    assert Device.objects.count() == 62
    renamed = Device.objects.get(netbox_id=1)
    assert renamed.hostname == "ber-acc-sw01-new" and renamed.current_release == "17.12.4"


@pytest.mark.django_db
def test_sync_with_a_filter(netbox):
    result = netbox_sync(filters={"site": "ams1"})
    assert result.seen == 1 and Device.objects.get().hostname == "ams-dc-leaf01"


@pytest.mark.django_db
def test_unreachable_netbox_is_a_clear_error(settings):
    settings.PORTAL_NETBOX_URL = "http://127.0.0.1:1"
    with pytest.raises(NetBoxError, match="unreachable"):
        netbox_sync()


def test_release_from_platform_names():
    assert release_from_platform("Cisco IOS XE 17.09.04a") == "17.09.04a"
    assert release_from_platform("NX-OS 9.3(10)") == "9.3(10)"
    assert release_from_platform("ios-xe") == ""


@pytest.mark.django_db
def test_page_and_api_sync(netbox, client, api_as, engineer):
    client.force_login(engineer)
    response = client.post("/devices/import/netbox/")
    assert response.status_code == 302 and Device.objects.count() == 62
    api = api_as(engineer)
    body = api.post("/api/v1/devices/netbox-sync/", {}, format="json").json()
    assert body["created"] == 0 and body["updated"] == 62 and body["skipped"][0]["name"] == "NetBox device 3"
