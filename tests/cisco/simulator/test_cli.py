"""Starting the simulator: module entry point, the Django command, catalog generation."""

from __future__ import annotations

import subprocess
import sys

import requests
from django.core.management import call_command

from portal.cisco.simulator.catalog import load_catalog
from portal.cisco.simulator.content import ImageBytes
from tests.fixtures.simulator import ROOT, SAMPLE_CATALOG, SimulatorProcess, _read_url


def test_module_refuses_a_missing_catalog_with_a_message(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "portal.cisco.simulator", "--port", "0", "--catalog", str(tmp_path / "x.json")],
        cwd=ROOT,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert b"catalog file not found" in result.stderr


def test_bad_client_option_is_a_usage_error():
    result = subprocess.run(
        [sys.executable, "-m", "portal.cisco.simulator", "--client", "no-secret"],
        cwd=ROOT,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert b"ID:SECRET" in result.stderr


def test_manage_py_simulator_serves(tmp_path):
    log = tmp_path / "log"
    command = [sys.executable, "manage.py", "simulator", "--port", "0", "--catalog", str(SAMPLE_CATALOG), "--qps", "0"]
    with log.open("wb") as err:
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=err)  # noqa: S603
    sim = SimulatorProcess("", process, log, command)
    try:
        sim.url = _read_url(process, 60)
        token = requests.post(
            f"{sim.url}/oauth2/default/v1/token",
            data={"grant_type": "client_credentials"},
            auth=("depot-demo", "depot-demo-secret"),
            timeout=10,
        ).json()["access_token"]
        response = requests.get(
            f"{sim.url}/software/v4.0/compliance/eula", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        assert response.status_code == 200
        assert requests.get(f"{sim.url}/_sim/clock", timeout=10).status_code == 404  # no --control
    finally:
        sim.stop()


def test_generate_catalog_writes_a_loadable_catalog_with_digests(tmp_path):
    out = tmp_path / "bench.json"
    call_command("simulator", generate_catalog=3, out=out, image_size=1000)
    catalog = load_catalog(out)
    assert len(catalog.products) == 3
    image = next(iter(catalog.images_by_guid.values()))
    assert image.size == 1000
    assert (image.fields["md5"], image.fields["sha512"]) == ImageBytes(image.guid, 1000).digests()
