"""Many clients editing the same processing activities at once, through GraphQL, against gunicorn.

Used by the concurrency test (correctness: nothing silently lost, no server error) and by
``make bench`` (updates per second and refusals). Each client reads a record's version and
updates with it; the server either applies the change or refuses it as stale.
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

READ = "query($id: ID!) { node(id: $id) { ... on ProcessingActivity { version } } }"
UPDATE = """mutation($input: UpdateProcessingActivityInput!) {
  updateProcessingActivity(input: $input) { processingActivity { version } errors { field message } } }"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class GunicornServer:
    """gunicorn serving the project with several workers on ``database_url``; a context manager."""

    def __init__(self, database_url: str, *, workers: int = 4, settings: str = "config.settings.test"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/graphql/"
        self.env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": settings}
        self.args = [
            str(Path(sys.executable).with_name("gunicorn")), "config.wsgi", "--workers", str(workers),
            "--bind", f"127.0.0.1:{self.port}", "--timeout", "60", "--log-level", "warning",
        ]
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "GunicornServer":
        self.process = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.process.stderr.read().decode()) from None
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start within 30 s")

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


@dataclass
class EditOutcome:
    counts: Counter = field(default_factory=Counter)
    applied: dict[str, list[str]] = field(default_factory=dict)  # record id → values applied
    server_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def updates_per_second(self) -> float:
        return self.counts["applied"] / self.seconds if self.seconds else 0.0


def _post(url: str, token: str, query: str, variables: dict) -> tuple[int, dict]:
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(
        url, body, {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        payload = error.read()
        try:
            return error.code, json.loads(payload)
        except ValueError:
            return error.code, {"raw": payload.decode(errors="replace")[:500]}


def run_concurrent_edits(
    url: str, token: str, record_ids: list[str], *, clients: int = 8, rounds: int = 10
) -> EditOutcome:
    """``clients`` threads each make ``rounds`` read-then-update attempts on the records in turn."""
    outcome = EditOutcome(applied={rid: [] for rid in record_ids})
    lock = threading.Lock()

    def client(number: int) -> None:
        for round_ in range(rounds):
            record = record_ids[(number + round_) % len(record_ids)]
            status, answer = _post(url, token, READ, {"id": record})
            if status >= 500:
                with lock:
                    outcome.server_errors.append(f"read {status}: {answer}")
                continue
            version = answer["data"]["node"]["version"]
            value = f"Ändring {number}-{round_}"
            update = {"input": {"id": record, "version": version, "purposes": value}}
            status, answer = _post(url, token, UPDATE, update)
            with lock:
                if status == 503:
                    outcome.counts["busy"] += 1
                elif status >= 500 or answer.get("errors"):
                    outcome.server_errors.append(f"update {status}: {answer}")
                else:
                    payload = answer["data"]["updateProcessingActivity"]
                    if not payload["errors"]:
                        outcome.counts["applied"] += 1
                        outcome.applied[record].append(value)
                    elif payload["errors"][0]["field"] == "version":
                        outcome.counts["stale"] += 1
                    else:
                        outcome.server_errors.append(f"unexpected refusal: {payload['errors']}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcome.seconds = time.perf_counter() - started
    return outcome
