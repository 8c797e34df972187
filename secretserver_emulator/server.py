"""`EmulatorServer`: the emulator on a real socket, in a daemon thread (moto's ThreadedMotoServer shape)."""
from __future__ import annotations

import logging
import threading

from werkzeug.serving import WSGIRequestHandler, make_server

from .api.auth import revoke_tokens
from .app import EmulatorApp
from .faults import make_fault
from .state import State


class _QuietHandler(WSGIRequestHandler):
    """No per-request access log lines (query strings could carry user input); dropped sockets are normal."""

    def log_request(self, *args, **kwargs):
        pass

    def log_error(self, *args, **kwargs):
        pass

    def handle(self):
        try:
            super().handle()
        except OSError:
            pass  # a "drop" fault reset this connection on purpose


class EmulatorServer:
    """See the package docstring for the API; keep it stable, other suites depend on it."""

    def __init__(self, seed="demo", host: str = "127.0.0.1", port: int = 0, state_file=None,
                 generate: dict | None = None):
        """`generate={"users": 10_000, "groups": 500}` adds generated users/groups (population.py)."""
        self.host, self.port = host, port
        self.app = EmulatorApp(State(seed, state_file, generate))
        self._server = None
        self._thread = None

    # ---- lifecycle ------------------------------------------------------------------
    def start(self) -> "EmulatorServer":
        if self._server:
            return self
        self._server = make_server(self.host, self.port, self.app, threaded=True, request_handler=_QuietHandler)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, name="secretserver-emulator", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self):
        """Blocking variant for `python -m secretserver_emulator`."""
        self._server = make_server(self.host, self.port, self.app, threaded=True, request_handler=_QuietHandler)
        self.port = self._server.server_port
        self._server.serve_forever()

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
            self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # ---- inspection ----------------------------------------------------------------
    @property
    def state(self) -> State:
        return self.app.state

    @property
    def requests(self) -> list:
        return self.app.log.snapshot()

    def clear_requests(self):
        self.app.log.clear()

    # ---- controls (same as /_emulator/) ---------------------------------------------
    def reset(self):
        self.app.reset()

    def advance_clock(self, seconds: float):
        self.state.advance_clock(seconds)

    def now(self):
        return self.state.now()

    def inject_fault(self, kind: str, count: int = 1, status: int = 500, latency_ms: int = 0,
                     path_prefix: str | None = None):
        self.app.faults.add(make_fault(kind, count, status, latency_ms, path_prefix))

    def clear_faults(self):
        self.app.faults.clear()

    def _set_user(self, user_name: str, key: str, value):
        with self.state.lock:
            self.state.user_by_name(user_name)[key] = value
            self.state.save()

    def expire_password(self, user_name: str):
        self._set_user(user_name, "passwordExpired", True)

    def lock_user(self, user_name: str):
        self._set_user(user_name, "isLockedOut", True)

    def unlock_user(self, user_name: str):
        self._set_user(user_name, "isLockedOut", False)

    def revoke_tokens(self, user_name: str | None = None) -> int:
        with self.state.lock:
            user = self.state.user_by_name(user_name) if user_name else None
            return revoke_tokens(self.state, user["id"] if user else None)


logging.getLogger("werkzeug").setLevel(logging.ERROR)
