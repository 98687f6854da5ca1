"""`borderlink serve` processes forked from a server that has imported BorderLink once.

Importing BorderLink (FastAPI, SQLAlchemy, the domains, the transliteration tables) is most of a
node's start on a loaded machine, and the end-to-end tests start many nodes. The fork server is a
plain Python process that imports what `serve` imports, then forks one child per node: the child
takes its own session, environment, log and arguments and runs `borderlink.cli.main.run()`, the
entry point of `python -m borderlink`, so from there on it is the same node process a fresh
interpreter would be, and it ends the way one does (its exit code, atexit, thread shutdown).

The server reads one JSON request per line on stdin (`{"node_dir", "env", "log"}`) and answers
`{"pid": ...}`; when a child ends it writes `{"exited": pid, "code": ...}` (negative: killed by
that signal, as `subprocess` reports it). When the test process goes away (stdin closes), the
server sends SIGTERM to the children still running and exits.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import select
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]
# What `serve` imports before it reads its node directory (uvicorn picks its protocol modules at run
# time, so those are named too).
PRELOAD = ("borderlink.cli.main", "borderlink.server", "borderlink.app", "borderlink.domains",
           "uvicorn.protocols.http.h11_impl", "uvicorn.protocols.http.httptools_impl", "uvicorn.lifespan.on",
           "uvicorn.loops.asyncio")
REAP_INTERVAL = 0.05  # seconds between looks for ended children


# --- the server process ------------------------------------------------------------------------

def _child(request: dict[str, Any]) -> int:
    """In the forked child: become `python -m borderlink serve --node-dir DIR`; returns its exit code."""
    os.setsid()
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    log = os.open(request["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    os.environ.clear()
    os.environ.update(request["env"])
    import faulthandler

    faulthandler.enable()  # as PYTHONFAULTHANDLER does: SIGABRT dumps every thread's stack
    from borderlink.cli.main import run

    sys.argv = ["borderlink", "serve", "--node-dir", request["node_dir"]]
    try:
        run()
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1
    return 0


def _send(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _reap(children: set[int]) -> None:
    for pid in list(children):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            children.discard(pid)
            _send({"exited": pid, "code": os.waitstatus_to_exitcode(status)})


def serve_forks() -> None:
    """The fork server's loop (run by `python -c`, see `ForkServer`)."""
    for name in PRELOAD:
        with contextlib.suppress(ImportError):  # an optional protocol module that is not installed
            __import__(name)
    # What the imports made lives as long as any node: the collector of each child (and its final
    # collection at exit, which took seconds) need not walk it again.
    gc.freeze()
    children: set[int] = set()
    stdin = sys.stdin.buffer
    pending = b""
    while True:
        readable, _, _ = select.select([stdin], [], [], REAP_INTERVAL)
        _reap(children)
        if not readable:
            continue
        chunk = os.read(stdin.fileno(), 65536)
        if not chunk:  # the test process is gone
            for pid in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
            return
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            request = json.loads(line)
            pid = os.fork()
            if pid == 0:
                # The child leaves the loop for good: its exit ends the interpreter as any process's does.
                raise SystemExit(_child(request))
            children.add(pid)
            _send({"pid": pid})


# --- the test process's side -------------------------------------------------------------------

class ForkServer:
    """The running fork server, started on first use (see `fork_server`)."""

    def __init__(self) -> None:
        code = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
                "from tests.e2e.preloaded import serve_forks; serve_forks()")
        self._process = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True)
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._requests: IO[bytes] = self._process.stdin
        self._lock = threading.Lock()
        self._started: list[int] = []
        self._started_event = threading.Condition()
        self.exit_codes: dict[int, int] = {}
        self.exited = threading.Condition()
        self._reader = threading.Thread(target=self._read, args=(self._process.stdout,), name="fork-server",
                                        daemon=True)
        self._reader.start()

    def _read(self, answers: IO[bytes]) -> None:
        for line in answers:
            try:
                message = json.loads(line)
            except ValueError:  # not the server's own answer (something printed while importing)
                continue
            if not isinstance(message, dict):
                continue
            if "pid" in message:
                with self._started_event:
                    self._started.append(int(message["pid"]))
                    self._started_event.notify_all()
            else:
                with self.exited:
                    self.exit_codes[int(message["exited"])] = int(message["code"])
                    self.exited.notify_all()
        with self._started_event, self.exited:  # the server died: wake every waiter
            self._started_event.notify_all()
            self.exited.notify_all()

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def fork(self, node_dir: Path, env: dict[str, str], log_path: Path, timeout: float) -> int:
        """Start one node process; returns its pid."""
        with self._lock:
            self._requests.write(json.dumps({"node_dir": str(node_dir), "env": env, "log": str(log_path)}).encode()
                                 + b"\n")
            self._requests.flush()
            with self._started_event:
                if not self._started_event.wait_for(lambda: self._started or not self.alive, timeout):
                    raise RuntimeError(f"the fork server did not start a node within {timeout:.0f} s")
                if not self._started:
                    raise RuntimeError(f"the fork server exited (code {self._process.poll()})")
                return self._started.pop(0)


_server: ForkServer | None = None
_server_lock = threading.Lock()


def fork_server() -> ForkServer:
    global _server
    with _server_lock:
        if _server is None or not _server.alive:
            _server = ForkServer()
        return _server


class PreloadedProcess:
    """A node process of the fork server, with the part of `subprocess.Popen` that `NodeProcess` uses."""

    # The fork server imports BorderLink before it forks the first node: on a loaded machine that
    # is as slow as a node's own start used to be.
    FORK_TIMEOUT = 120.0

    def __init__(self, node_dir: Path, env: dict[str, str], log_path: Path) -> None:
        self._server = fork_server()
        self.pid = self._server.fork(node_dir, env, log_path, self.FORK_TIMEOUT)

    @property
    def returncode(self) -> int | None:
        return self._server.exit_codes.get(self.pid)

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        with self._server.exited:
            self._server.exited.wait_for(lambda: self.pid in self._server.exit_codes or not self._server.alive,
                                         timeout)
        code = self.returncode
        if code is None:
            raise subprocess.TimeoutExpired(f"borderlink serve (pid {self.pid})", timeout or 0.0)
        return code

    def send_signal(self, sig: int) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)
