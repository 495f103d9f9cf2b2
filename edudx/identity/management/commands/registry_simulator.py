"""`edudx registry_simulator [--port 8765] [--data FILE] [--background | --stop]`

Runs the citizen-registry simulator in its own process (it is not part of the Django
process: the child imports only the standard library). Without a data file it first writes
one from the people in the database, the same way the demo does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from edudx.identity.connectors import local_simulator_key, registry_key, simulator_data_path, simulator_dir


class Command(BaseCommand):
    help = "Run the citizen-registry simulator (a separate HTTP service) for the demo and tests."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--port",
            type=int,
            default=None,
            help="default: the port of EDUDX_CITIZEN_REGISTRY_URL, else 8765",
        )
        parser.add_argument(
            "--data", default="", help="SQLite data file (default var/identity/citizens.sqlite3)"
        )
        parser.add_argument("--rate", type=float, default=50.0, help="requests per second per key")
        parser.add_argument("--latency", type=float, default=0.0)
        parser.add_argument("--error-rate", type=float, default=0.0)
        parser.add_argument(
            "--rebuild-data", action="store_true", help="rewrite the data file from the database"
        )
        parser.add_argument("--background", action="store_true", help="start detached; pid in var/identity/")
        parser.add_argument("--stop", action="store_true", help="stop a simulator started with --background")

    def handle(self, *args, **opts):
        pid_file = simulator_dir() / "simulator.pid"
        if opts["stop"]:
            return self._stop(pid_file)
        if opts["port"] is None:
            opts["port"] = urlsplit(settings.EDUDX_CITIZEN_REGISTRY_URL).port or 8765
        data = opts["data"] or str(simulator_data_path())
        if opts["rebuild_data"] or not os.path.exists(data):
            from edudx.identity.demo import write_citizens

            n = write_citizens(data)
            self.stdout.write(f"wrote {n} citizens to {data}")
        cmd = [
            sys.executable, "-m", "edudx.identity.simulator.server", "--host", opts["host"],
            "--port", str(opts["port"]), "--data", data, f"--key={registry_key() or local_simulator_key()}",
            "--rate", str(opts["rate"]), "--latency", str(opts["latency"]),
            "--error-rate", str(opts["error_rate"]),
        ]  # fmt: skip
        if not opts["background"]:
            self.stdout.write(
                f"citizen-registry simulator on http://{opts['host']}:{opts['port']} (Ctrl+C stops)"
            )
            os.execv(sys.executable, cmd)  # noqa: S606 - replaces this process with the service
        self._stop(pid_file, quiet=True)
        log_path = simulator_dir() / "simulator.log"
        with open(log_path, "ab") as log:
            proc = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=log, start_new_session=True, text=True
            )
        assert proc.stdout is not None
        line = proc.stdout.readline()  # "LISTENING <port>", or EOF when it could not start
        proc.stdout.close()
        if not line.startswith("LISTENING "):
            proc.wait(timeout=5)
            tail = log_path.read_text(errors="replace").strip().splitlines()[-1:]
            raise CommandError(f"the simulator did not start: {' '.join(tail)} (log: {log_path})")
        pid_file.write_text(str(proc.pid))
        self.stdout.write(f"citizen-registry simulator started (pid {proc.pid}) on port {line.split()[1]}")

    def _stop(self, pid_file, quiet: bool = False):
        if not pid_file.exists():
            if not quiet:
                raise CommandError("no simulator pid file")
            return
        pid = int(pid_file.read_text().strip() or 0)
        pid_file.unlink()
        try:
            proc_file = Path(f"/proc/{pid}/cmdline")
            cmdline = proc_file.read_bytes() if proc_file.exists() else b""
            if b"edudx.identity.simulator.server" in cmdline or not os.path.exists("/proc"):
                os.kill(pid, signal.SIGTERM)
                if not quiet:
                    self.stdout.write(f"stopped simulator pid {pid}")
        except ProcessLookupError:
            pass
