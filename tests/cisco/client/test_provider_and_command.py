"""provider.get_client() from settings, and `manage.py asd` against the simulator."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.cisco.provider import get_client, reset_client
from portal.cisco.ratelimit import SQLiteStorage
from tests.fixtures.simulator import ROOT


@pytest.fixture
def aimed(sample_simulator, settings, tmp_path):
    settings.PORTAL_UPSTREAM_URL = sample_simulator.url
    settings.PORTAL_TOKEN_URL = sample_simulator.token_url
    settings.PORTAL_CLIENT_ID = sample_simulator.client_id
    settings.PORTAL_CLIENT_SECRET = sample_simulator.client_secret
    settings.PORTAL_UPSTREAM_QPS = 100.0
    settings.PORTAL_RATELIMIT_STORAGE_URL = f"sqlite:///{tmp_path / 'rl.sqlite3'}"
    settings.PORTAL_UPSTREAM_RETRY_BACKOFF = 0.02
    reset_client()
    yield sample_simulator
    reset_client()


def test_get_client_is_one_per_process_and_follows_settings(aimed, settings):
    client = get_client()
    assert get_client() is client
    assert client.base_url == aimed.url and client.client_id == aimed.client_id
    assert isinstance(client.transport.limiter.storage, SQLiteStorage)
    assert client.transport.limiter.hits == 100
    assert client.transport.retry.backoff_initial == 0.02
    settings.PORTAL_UPSTREAM_QPS = 3.0
    other = get_client()
    assert other is not client and other.transport.limiter.hits == 3
    assert aimed.client_secret not in repr(other)


@pytest.mark.django_db
def test_asd_commands_print_tables_and_json(aimed, capsys):
    aimed.accept_forms()
    call_command("asd", "releases", "SIM-BIG-1", "--current", "17.06.05", "--output", "above")
    out = capsys.readouterr().out
    assert "17.9.4a" in out and "VERSION" in out and "metadataTransId" in out
    call_command("asd", "images", "SIM-DL-1", "sim-plain.bin", "missing.bin", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["invalid_images"] == ["missing.bin"] and data["records"][0]["images"][0]["name"] == "sim-plain.bin"
    call_command("asd", "status", "sim-plain.bin")
    assert "sim-plain.bin" in capsys.readouterr().out
    call_command("asd", "k9", "--json")
    assert "k9Content" in json.loads(capsys.readouterr().out)
    call_command("asd", "eula")
    assert "subAppVersion" in capsys.readouterr().out


@pytest.mark.django_db
def test_asd_upstream_error_is_one_line(aimed):
    with pytest.raises(CommandError) as info:
        call_command("asd", "releases", "NO-SUCH-PID", "--current", "1.0")
    assert "\n" not in str(info.value) and "HTTP 4" in str(info.value)


def test_asd_bad_arguments_give_one_line_and_nonzero_exit():
    for args in (["asd"], ["asd", "releases", "PID"], ["asd", "bogus"], ["asd", "status", *"abcdef"]):
        done = subprocess.run(  # noqa: S603 - our own command line
            [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        assert done.returncode != 0, args
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("CommandError"), (args, done.stderr)
