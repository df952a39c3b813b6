"""The embedded broker's message files appear whole: a worker polling the folder never reads half a message."""

from __future__ import annotations

import json
import os

from django.conf import settings
from kombu import Connection

from portal.core import broker


def test_a_message_file_gets_its_final_name_only_once_written(tmp_path, monkeypatch):
    options = {"data_folder_in": str(tmp_path), "data_folder_out": str(tmp_path), "control_folder": str(tmp_path)}
    seen_at_rename: list[tuple[list[str], bytes]] = []
    real_replace = os.replace

    def replace(source, target):
        # What a consumer listing the folder would find just before the message takes its name.
        seen_at_rename.append((sorted(os.listdir(tmp_path)), open(source, "rb").read()))  # noqa: SIM115
        real_replace(source, target)

    monkeypatch.setattr(broker.os, "replace", replace)
    with Connection("filesystem://", transport=broker.Transport, transport_options=options) as connection:
        channel = connection.default_channel
        channel._put("depot-test", {"body": "x" * 100_000})
        ((names, written),) = seen_at_rename
        assert [name for name in names if name.endswith(".msg")] == []  # nothing a consumer would take yet
        assert json.loads(written) == {"body": "x" * 100_000}  # the whole payload is in the file being renamed
        assert channel._get("depot-test") == {"body": "x" * 100_000}
        assert os.listdir(tmp_path) == []


def test_the_embedded_broker_uses_this_transport():
    from portal.celery import app

    with app.connection_for_write() as connection:
        transport = type(connection.transport)
    if settings.CELERY_BROKER_URL.startswith("filesystem"):
        assert transport is broker.Transport
    else:
        assert transport.__module__ == "kombu.transport.redis"
