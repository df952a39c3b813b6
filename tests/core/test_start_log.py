"""What ``python3 depot.py start`` logs: no warning Depot can avoid, on the first start or the next, on any ports.

The start runs for real (web, worker, beat and simulator on free ports, a fresh var folder) and is stopped with
Ctrl-C; its log is read whole. The e-mail backend of the embedded defaults and the broker URL are checked on their
own below, since a start sends no e-mail by itself."""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core import mail
from kombu import Connection

from tests.foundation.test_settings import clean_env
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parent.parent.parent
LOG_RECORD = re.compile(r"\d\d:\d\d:\d\d,\d+ (WARNING|ERROR|CRITICAL) ")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Start:
    """One ``depot.py start`` in its own session, its output collected line by line."""

    def __init__(self, env: dict[str, str]) -> None:
        self.lines: list[str] = []
        self.process = subprocess.Popen(  # noqa: S603 - our own command
            [sys.executable, "depot.py", "start"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def saw(self, pattern: str) -> bool:
        return any(re.search(pattern, line) for line in list(self.lines))

    def stop(self) -> str:
        """Ctrl-C, as a user would, and the whole log once every process has ended."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=90)
        finally:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.reader.join(timeout=10)
        return "\n".join(self.lines)


def _beat_schedule_written(var: Path) -> bool:
    """Beat's schedule (a shelve in the var folder: one file or dbm.dumb's three) holds its version key: its set-up
    is over."""
    return any(b"__version__" in part.read_bytes() for part in var.glob("celerybeat-schedule*"))


@pytest.mark.slow
def test_two_starts_on_other_ports_log_no_avoidable_warning(tmp_path):
    web, simulator = free_port(), free_port()
    env = clean_env() | {
        "PORTAL_VAR_DIR": str(tmp_path),
        "DEPOT_VENV": sys.prefix,
        "DEPOT_WEB_PORT": str(web),
        "DEPOT_SIMULATOR_PORT": str(simulator),
    }
    logs = []
    for first in (True, False):
        start = Start(env)
        try:
            ready = lambda s=start: s.saw(r"celery\.apps\.worker .* ready") and s.saw("beat: Starting")  # noqa: E731
            wait_for(ready, "the worker and beat to start", timeout=240)
            # Beat logs "Starting" before it writes its schedule file; stopped in between (a busy machine), it leaves
            # a file the next start resets with a WARNING. A user stops Depot seconds later, not within that moment.
            wait_for(lambda: _beat_schedule_written(tmp_path), "beat to write its schedule", timeout=120)
            if first:
                # The demo fleet's refresh reaches the simulator on the port it listens on, not the default one.
                wait_for(lambda s=start: s.saw("fetched a new upstream access token"), "the first upstream call")
                wait_for(lambda s=start: s.saw(r"Task catalog\.refresh_pid\[.*\] succeeded"), "a refreshed PID")
        finally:
            logs.append(start.stop())
    first_log, second_log = logs
    assert f"Depot runs at http://127.0.0.1:{web}/" in first_log
    assert f"log in at http://127.0.0.1:{web}/" in first_log
    assert f"listening on http://127.0.0.1:{simulator}" in first_log
    for log in logs:
        assert "No hostname was supplied" not in log
        assert "already exists" not in log  # createcachetable on the second start
        assert "Connection refused" not in log  # nothing asks a port nobody listens on, even while stopping
        assert [line for line in log.splitlines() if LOG_RECORD.search(line)] == []
    assert "Demo users" in second_log


def test_console_mail_is_one_info_record_not_printed_text(settings, caplog, capsys):
    settings.EMAIL_BACKEND = "portal.core.mail.LogEmailBackend"
    with caplog.at_level(logging.INFO, logger="portal.mail"):
        message = mail.EmailMessage("[Depot] image waits on the K9 form", "Review: /compliance/", to=["o@x.example"])
        sent = message.send()
    assert sent == 1
    assert [(r.name, r.levelname) for r in caplog.records] == [("portal.mail", "INFO")]
    assert "to o@x.example: [Depot] image waits on the K9 form\nReview: /compliance/" in caplog.records[0].getMessage()
    assert capsys.readouterr().out == ""


def test_embedded_defaults_use_the_logging_mail_backend_and_a_broker_url_with_a_host(tmp_path):
    code = "from django.conf import settings as s; print(s.EMAIL_BACKEND); print(s.CELERY_BROKER_URL)"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=clean_env() | {"PORTAL_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    backend, broker = result.stdout.split()[-2:]
    assert backend == "portal.core.mail.LogEmailBackend"
    assert Connection(broker).hostname == "localhost"  # kombu warns about a URL without one on every connection
