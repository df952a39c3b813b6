"""No answer >= 500 from the REST API, whatever the input: schemathesis over the whole schema, as an administrator.

Every operation of the OpenAPI schema gets a bounded number of generated requests (valid ones and ones that break
the schema), sent through Depot's whole WSGI application (middleware, authentication, views, database) in this
process, with Depot aimed at the simulator over real HTTP. The seed is fixed
(``derandomize``), so a run is repeatable. Hand-written cases beside it cover inputs a schema-driven generator does
not produce (bodies nested thousands deep, numbers of thousands of digits).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

EXAMPLES = 6  # per operation and generation mode: generating a case costs ~0.15 s; ~2 minutes for the schema

# Operations of other areas that still answer 5xx on main, each with the reason; strict, so a fix shows up here.
KNOWN_5XX: dict[str, str] = {}


@functools.cache
def _schema() -> schemathesis.schemas.BaseSchema:
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(json.dumps(raw, default=str)))


def _labels() -> list:
    labels = sorted(result.ok().label for result in _schema().get_all_operations())
    return [
        pytest.param(label, marks=pytest.mark.xfail(strict=True, reason=KNOWN_5XX[label]))
        if label in KNOWN_5XX
        else label
        for label in labels
    ]


@pytest.fixture
def admin_api(upstream, administrator) -> Iterator[tuple[WSGIHandler, dict[str, str]]]:
    """Depot's WSGI application and an administrator's token header, with Depot aimed at the test simulator.

    As Django's test client does, requests do not close the database connection when they end, so they run inside
    the test's transaction (rolled back after it)."""
    from portal.accounts.services import api_token_create

    headers = {"Authorization": f"Token {api_token_create(user=administrator)}"}
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler(), headers
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _find(label: str):
    for result in _schema().get_all_operations():
        operation = result.ok()
        if operation.label == label:
            return operation
    raise LookupError(label)


@pytest.mark.parametrize("label", _labels())
def test_no_server_error_on_generated_input(label, admin_api):
    app, headers = admin_api
    operation = _find(label)
    seen: list[str] = []

    takes_input = any(len(part) for part in (operation.path_parameters, operation.query, operation.body))
    modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE) if takes_input else (GenerationMode.POSITIVE,)
    for mode in modes:

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def exercise(case) -> None:
            response = case.call(app=app, headers=dict(headers))
            if response.status_code >= 500:
                seen.append(f"{response.status_code} for {case.as_curl_command(headers=headers)}")

        try:
            exercise()
        except Unsatisfiable:
            # Every input of the schema accepts anything (free strings): no request can break it.
            assert mode is GenerationMode.NEGATIVE, f"{label}: no valid request could be generated"
    assert not seen, f"{label}: {len(seen)} answers >= 500, e.g.\n" + "\n".join(seen[:3])
