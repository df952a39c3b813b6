"""The simulator stands alone: it runs from a virtualenv with no third-party package installed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import requests

from portal.cisco.simulator.catalog import load_catalog
from tests.fixtures.simulator import ROOT, SAMPLE_CATALOG, SimulatorProcess, _read_url


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory) -> Path:
    """The interpreter of a fresh ``python -m venv --without-pip`` environment (standard library only)."""
    venv = tmp_path_factory.mktemp("bare-venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)  # noqa: S603
    return venv / "bin" / "python"


def _bare(python: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}  # no PYTHONPATH, no DJANGO_SETTINGS_MODULE
    return subprocess.run(  # noqa: S603 - our own command line
        [str(python), *args], cwd=ROOT, env=env, capture_output=True, timeout=120, check=False, **kwargs
    )


def test_the_bare_environment_has_no_third_party_packages(bare_python):
    for module in ("django", "celery", "requests"):
        assert _bare(bare_python, "-c", f"import {module}").returncode != 0, module


def test_the_simulator_serves_from_a_bare_environment(bare_python, tmp_path):
    log = tmp_path / "log"
    command = [str(bare_python), "-m", "portal.cisco.simulator", "--port", "0", "--catalog", str(SAMPLE_CATALOG)]
    with log.open("wb") as err:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=ROOT, env={"PATH": "/usr/bin:/bin"}, stdout=subprocess.PIPE, stderr=err
        )
    sim = SimulatorProcess("", process, log, command)
    try:
        sim.url = _read_url(process, 60)
        token = requests.post(
            f"{sim.url}/oauth2/default/v1/token",
            data={"grant_type": "client_credentials"},
            auth=("depot-demo", "depot-demo-secret"),
            timeout=10,
        ).json()["access_token"]
        response = requests.post(
            f"{sim.url}/software/v4.0/metadata/images",
            json={"imageNames": ["sim-plain.bin"]},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert response.status_code == 200, sim.output()
        assert response.json()["metadata"][0]["imageName"] == "sim-plain.bin"
    finally:
        sim.stop()


def test_generate_catalog_works_in_a_bare_environment(bare_python, tmp_path):
    out = tmp_path / "generated.json"
    result = _bare(
        bare_python,
        "-m",
        "portal.cisco.simulator",
        "--generate-catalog",
        "3",
        "--out",
        str(out),
        "--image-size",
        "2000",
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().strip() == f"wrote {out}: 3 PIDs"
    catalog = load_catalog(out)
    assert len(catalog.products) == 3
    assert all(image.size == 2000 and len(image.fields["sha512"]) == 128 for image in catalog.images_by_guid.values())


def test_generate_catalog_refuses_bad_arguments_in_one_line(bare_python, tmp_path):
    result = _bare(bare_python, "-m", "portal.cisco.simulator", "--generate-catalog", "0", "--out", str(tmp_path / "x"))
    assert result.returncode == 2
    assert result.stderr.decode() == "simulator: --generate-catalog needs a positive number of PIDs\n"
    result = _bare(bare_python, "-m", "portal.cisco.simulator", "--generate-catalog", "2")
    assert result.returncode == 2 and result.stderr.decode() == "simulator: --generate-catalog needs --out FILE\n"
