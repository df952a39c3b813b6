#!/usr/bin/env python3
"""Depot's quick start, standard library only, so it runs on a fresh machine with nothing but Python 3.11+.

python3 depot.py start   set up (virtualenv, dependencies, database, demo users) and run Depot on the
                         embedded defaults: web on http://127.0.0.1:8000/, a Celery worker, beat and the
                         ASD simulator on http://127.0.0.1:8001/; Ctrl-C stops everything
python3 depot.py test    set up (with the test tools) and run the whole test suite; extra arguments go to pytest
python3 depot.py setup   only the set-up part of start
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("DEPOT_VENV", ROOT / ".venv"))
PYTHON = VENV / "bin" / "python"
WEB_PORT = int(os.environ.get("DEPOT_WEB_PORT", "8000"))
SIM_PORT = int(os.environ.get("DEPOT_SIMULATOR_PORT", "8001"))


def say(text: str) -> None:
    print(f"depot: {text}", flush=True)


def depot_env() -> dict[str, str]:
    """The environment of every process start runs: unless set, Depot's upstream is the simulator start runs on
    DEPOT_SIMULATOR_PORT, and its own address (printed, and in e-mails) is the web server's on DEPOT_WEB_PORT."""
    env = dict(os.environ)
    env.setdefault("PORTAL_UPSTREAM_URL", f"http://127.0.0.1:{SIM_PORT}")
    env.setdefault("PORTAL_BASE_URL", f"http://127.0.0.1:{WEB_PORT}")
    return env


def run(*args: str | Path, env: dict[str, str] | None = None, quiet: bool = False) -> None:
    result = subprocess.run(
        [str(arg) for arg in args],
        cwd=ROOT,
        env=env or depot_env(),
        stdout=subprocess.DEVNULL if quiet else None,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"depot: command failed ({result.returncode}): {' '.join(str(a) for a in args)}")


def ensure_venv(requirements: str) -> None:
    """Create .venv and install the pinned requirements, again only when the requirement files change."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this script is what tells users of an older Python
        sys.exit(f"depot: Python 3.11 or newer is needed (found {sys.version.split()[0]})")
    if not PYTHON.exists():
        say(f"creating the virtualenv in {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256()
    for name in ("requirements.txt", requirements):
        digest.update((ROOT / name).read_bytes())
    stamp = VENV / f".depot-{requirements}.sha256"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return
    say(f"installing {requirements} (first run takes a minute or two)")
    run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", ROOT / requirements)
    stamp.write_text(digest.hexdigest())


def manage(*args: str, quiet: bool = False) -> None:
    run(PYTHON, "manage.py", *args, quiet=quiet)


def setup() -> None:
    ensure_venv("requirements.txt")
    say("migrating the database")
    manage("migrate", "--no-input", quiet=True)  # creates the database cache's table too
    if os.environ.get("PORTAL_ENV") == "production":
        manage("collectstatic", "--no-input", quiet=True)


class Processes:
    """The processes of a running Depot; their output is prefixed with their name; one dying stops all."""

    def __init__(self) -> None:
        self.children: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, *args: str | Path) -> subprocess.Popen:
        process = subprocess.Popen(  # noqa: S603 - our own command lines
            [str(arg) for arg in args],
            cwd=ROOT,
            env=depot_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            text=True,
            bufsize=1,
        )
        self.children.append((name, process))
        threading.Thread(target=self._relay, args=(name, process), daemon=True).start()
        return process

    @staticmethod
    def _relay(name: str, process: subprocess.Popen) -> None:
        for line in process.stdout:
            print(f"{name:<9}| {line}", end="", flush=True)

    def wait(self) -> int:
        while True:
            for name, process in self.children:
                if process.poll() is not None:
                    say(f"{name} exited with {process.returncode}; stopping the others")
                    return process.returncode or 1
            time.sleep(0.5)

    def stop(self) -> None:
        # In reverse order of start, each to its end before the next: a worker's warm shutdown still finishes the
        # task it runs against the simulator, which stops last. SIGTERM goes to each leader only: gunicorn and
        # celery then stop their own children cleanly.
        deadline = time.monotonic() + 30
        for _, process in reversed(self.children):
            if process.poll() is None:
                process.terminate()
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(process.pid, signal.SIGKILL)  # whatever is left of its group
            except ProcessLookupError:
                pass


def wait_listening(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    """Return once something accepts connections on 127.0.0.1:``port``, ``process`` ended, or ``timeout`` passed."""
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def start() -> int:
    # Ctrl-C, and a SIGTERM from a service manager, both stop every process (even where SIGINT was ignored).
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    setup()
    say("demo users, one per role (these passwords are new on every start):")
    manage("demo_users")
    if "PORTAL_UPSTREAM_URL" not in os.environ:
        manage("demo_inventory")  # a small demo fleet on the simulator's catalog, only into an empty inventory
    bin_dir = VENV / "bin"
    processes = Processes()
    embedded_upstream = "PORTAL_UPSTREAM_URL" not in os.environ
    if embedded_upstream:
        simulator = processes.start("simulator", PYTHON, "manage.py", "simulator", "--port", str(SIM_PORT))
        # The worker's first tasks (the demo fleet's catalog refresh) call the simulator as soon as it is ready: were
        # the simulator not listening yet, they would meet a refused connection and log a retry.
        wait_listening(SIM_PORT, simulator)
    processes.start(
        "web",
        bin_dir / "gunicorn",
        "portal.wsgi",
        "--bind",
        f"127.0.0.1:{WEB_PORT}",
        "--workers",
        "2",
        "--threads",
        "4",
        "--access-logfile",
        "-",
    )
    processes.start("worker", bin_dir / "celery", "-A", "portal", "worker", "-l", "info", "--concurrency", "2")
    processes.start("beat", bin_dir / "celery", "-A", "portal", "beat", "-l", "info")
    env = depot_env()
    upstream = (
        f"the ASD simulator at {env['PORTAL_UPSTREAM_URL']}/" if embedded_upstream else env["PORTAL_UPSTREAM_URL"]
    )
    say(f"Depot runs at {env['PORTAL_BASE_URL']}/ with {upstream} (Ctrl-C stops it)")
    try:
        code = processes.wait()
    except KeyboardInterrupt:
        say("stopping")
        code = 0
    finally:
        processes.stop()
    return code


def test(pytest_args: list[str]) -> int:
    ensure_venv("requirements-dev.txt")
    if not (shutil.which("chromium") or Path("/usr/bin/chromium").exists()):
        _install_chromium()
    return subprocess.call([str(PYTHON), "-m", "pytest", *pytest_args], cwd=ROOT)  # noqa: S603


def _install_chromium() -> None:
    """Browser journeys need Chromium; as root on Debian/Ubuntu, install it; otherwise they are skipped."""
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("installing Chromium for the browser tests (apt-get install chromium)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], env=env, check=False)
    else:
        say("Chromium not found: browser journeys will be skipped (install the 'chromium' package)")


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "help"
    if command == "start":
        return start()
    if command == "setup":
        setup()
        return 0
    if command == "test":
        return test(argv[1:])
    print(__doc__.strip())
    return 0 if command in {"help", "-h", "--help"} else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
