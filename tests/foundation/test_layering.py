"""Who may import whom (docs/ARCHITECTURE.md, "Contracts between apps"), checked on every module of every app.

compliance -> downloads -> catalog -> inventory: an app imports the apps to its right, never to its left; every app
may import core, accounts and cisco; webhooks stands above all and nothing imports it. A lower app that must tell a
higher one something sends a signal. The one documented departure: the device list and page read the catalog's
choices, selectors and release browser."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = {
    "portal.cisco": ROOT / "portal" / "cisco",
    "portal.core": ROOT / "portal" / "core",
    "portal.accounts": ROOT / "portal" / "accounts",
    "portal.inventory": ROOT / "portal" / "inventory",
    "portal.catalog": ROOT / "portal" / "catalog",
    "downloads": ROOT / "downloads",
    "compliance": ROOT / "compliance",
    "webhooks": ROOT / "webhooks",
}
BASE = ("portal.cisco", "portal.core", "portal.accounts")
MAY_IMPORT: dict[str, tuple[str, ...]] = {
    "portal.cisco": ("portal.cisco",),
    "portal.core": ("portal.core", "portal.cisco", "portal.celery"),
    "portal.accounts": BASE,
    "portal.inventory": (*BASE, "portal.inventory", "portal.catalog.choices", "portal.catalog.selectors",
                         "portal.catalog.browser"),
    "portal.catalog": (*BASE, "portal.catalog", "portal.inventory"),
    "downloads": (*BASE, "downloads", "portal.catalog", "portal.inventory"),
    "compliance": (*BASE, "compliance", "downloads", "portal.catalog", "portal.inventory"),
    "webhooks": (*BASE, "webhooks", "compliance", "downloads", "portal.catalog", "portal.inventory"),
}  # fmt: skip
# cisco's management commands are Django entry points and may use core's helpers (the asd command's counts).
ENTRY_POINTS = {"portal.cisco": ("portal.core",)}
OURS = ("portal", "downloads", "compliance", "webhooks")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def _modules() -> list[tuple[str, Path]]:
    return [(app, path) for app, folder in APPS.items() for path in sorted(folder.rglob("*.py"))]


@pytest.mark.parametrize(
    ("app", "path"), _modules(), ids=lambda v: str(v.relative_to(ROOT)) if isinstance(v, Path) else ""
)
def test_every_module_imports_only_what_its_layer_may(app, path):
    allowed = MAY_IMPORT[app]
    if "management" in path.relative_to(APPS[app]).parts:
        allowed += ENTRY_POINTS.get(app, ())
    wrong = sorted(
        name
        for name in _imports(path)
        if name.split(".")[0] in OURS and not _within(name, allowed) and name not in ("portal",)
    )
    assert wrong == [], f"{path.relative_to(ROOT)} imports {wrong}; see docs/ARCHITECTURE.md, 'Who may import whom'"


def test_the_rules_cover_every_app_of_the_project(settings):
    assert {name for name in settings.INSTALLED_APPS if name.startswith(OURS)} == set(APPS)
