"""Running `mentormatch serve` as a real subprocess on a free port, for crash and log tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

MENTORMATCH = Path(sys.executable).with_name("mentormatch")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing, exactly like a power cut to the process."""
        self.process.kill()
        self.process.wait()

    def stop(self) -> tuple[str, str]:
        """Terminate gracefully and return what the server wrote to stdout and stderr."""
        self.process.terminate()
        out, err = self.process.communicate(timeout=30)
        return out.decode(errors="replace"), err.decode(errors="replace")


def wait_ready(base_url: str, alive: Callable[[], bool], deadline_s: float) -> None:
    """Poll /healthz until it answers 200; fail if the process dies or the deadline passes."""
    give_up = time.monotonic() + deadline_s
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < give_up:
            if not alive():
                raise RuntimeError("server exited before it was ready")
            try:
                if client.get(f"{base_url}/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.02)  # the polling interval while waiting for readiness
    raise TimeoutError(f"server not ready within {deadline_s} s")


def start_server(
    database_url: str,
    *,
    deadline_s: float = 30.0,
    extra_env: dict[str, str] | None = None,
    capture: bool = False,
) -> Server:
    """Start the server and return once /healthz answers (polled until a deadline)."""
    port = free_port()
    env = os.environ | {
        "MENTORMATCH_DATABASE_URL": database_url,
        "MENTORMATCH_ENVIRONMENT": "test",
        **(extra_env or {}),
    }
    stream = subprocess.PIPE if capture else subprocess.DEVNULL
    process = subprocess.Popen(
        [str(MENTORMATCH), "serve", "--port", str(port)], env=env, stdout=stream, stderr=stream
    )
    server = Server(process, f"http://127.0.0.1:{port}")
    try:
        wait_ready(server.base_url, lambda: process.poll() is None, deadline_s)
    except Exception:
        server.kill()
        raise
    return server


class Zygote:
    """Forks servers from a process that has already imported the app (see zygote.py)."""

    def __init__(self, database_url: str) -> None:
        env = os.environ | {
            "MENTORMATCH_DATABASE_URL": database_url,
            "MENTORMATCH_ENVIRONMENT": "test",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.zygote"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=Path(__file__).resolve().parents[2],
        )

    def spawn(self, deadline_s: float = 60.0) -> tuple[int, str]:
        """A fresh server: its pid and base URL, once /healthz answers."""
        assert self.process.stdin is not None and self.process.stdout is not None
        port = free_port()
        self.process.stdin.write(f"{port}\n".encode())
        self.process.stdin.flush()
        pid = int(self.process.stdout.readline())
        base_url = f"http://127.0.0.1:{port}"
        wait_ready(base_url, lambda: _alive(pid), deadline_s)
        return pid, base_url

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
