"""One way between the client and the simulator: the client never imports the simulator, and the simulator
imports nothing but the standard library and the two pure-data modules it shares with the client."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

CISCO = Path(__file__).resolve().parents[2] / "portal" / "cisco"
SIMULATOR = CISCO / "simulator"
SHARED = {"portal.cisco.errors", "portal.cisco.versions"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


CLIENT_MODULES = sorted(p for p in CISCO.rglob("*.py") if SIMULATOR not in p.parents)
SIMULATOR_MODULES = sorted(SIMULATOR.rglob("*.py"))


@pytest.mark.parametrize("path", CLIENT_MODULES, ids=lambda p: str(p.relative_to(CISCO)))
def test_the_client_side_never_imports_the_simulator(path):
    assert not [name for name in _imports(path) if name.startswith("portal.cisco.simulator")]


@pytest.mark.parametrize("path", SIMULATOR_MODULES, ids=lambda p: str(p.relative_to(CISCO)))
def test_the_simulator_imports_only_the_standard_library_and_shared_data(path):
    foreign = {
        name
        for name in _imports(path)
        if name.split(".")[0] not in sys.stdlib_module_names
        and not name.startswith("portal.cisco.simulator")
        and name not in SHARED
        and name != "__future__"
    }
    assert foreign == set()
