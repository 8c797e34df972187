"""The WSGI application: faults, then routing to the API, the controls or the HTML page.

Each API call runs under the state lock (one lock for everything), then the
state is saved if the call could have written. Latency faults sleep outside it.
"""
from __future__ import annotations

import json
import logging
import socket
import struct
import threading
import time
import traceback
from dataclasses import asdict, dataclass, field
from urllib.parse import parse_qsl

from . import access, controls, html_page
from .api import ROUTES
from .api.auth import authenticate
from .context import Ctx
from .faults import IIS_HTML, MALFORMED_JSON, FaultQueue
from .http import ApiError, CIDict, ci, invalid, json_bytes, parse_query, server_error
from .router import resolve
from .state import State

log = logging.getLogger("secretserver_emulator")
JSON = "application/json; charset=utf-8"
HTML = "text/html; charset=utf-8"
HTML_ROUTES = {("GET", "/"), ("POST", "/signin"), ("POST", "/signout"), ("POST", "/share")}


@dataclass
class RequestRecord:
    """One logged call. Never holds a password or a token. Also readable as a mapping."""
    method: str
    path: str
    query: dict
    status: int | None
    user: str | None
    fault: str | None = None
    at: float = field(default_factory=time.time)  # when it arrived (epoch seconds): a client on this machine can
    # tell which of its own requests a call belonged to without reading the log in between (bench/ui_overhead.py)
    extra: dict = field(default_factory=dict, repr=False)

    def __getitem__(self, key):
        return getattr(self, key)

    def get(self, key, default=None):
        return getattr(self, key, default)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("extra")
        return data


class RequestLog:
    def __init__(self):
        self._lock = threading.Lock()
        self._items: list[RequestRecord] = []

    def add(self, record: RequestRecord):
        with self._lock:
            self._items.append(record)

    def snapshot(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._items)

    def clear(self):
        with self._lock:
            self._items.clear()


class EmulatorApp:
    def __init__(self, state: State):
        self.state = state
        self.faults = FaultQueue()
        self.log = RequestLog()

    def reset(self):
        """Back to the seed: state, clock, tokens, sessions, faults and the request log."""
        self.state.reset()
        self.faults.clear()
        self.log.clear()

    # ---- WSGI --------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"].upper()
        path = environ.get("PATH_INFO") or "/"
        query_pairs = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        lowered = path.lower()
        if lowered.startswith("/_emulator/") or lowered == "/_emulator":
            status, headers, body, _ = self._dispatch(environ, method, path, query_pairs, controls.ROUTES)
            return self._send(start_response, status, headers, body)
        fault = self.faults.take(path, method)
        record = RequestRecord(method, path, dict(query_pairs), None, None, fault.kind if fault else None)
        if fault and fault.kind == "latency":
            time.sleep(fault.latencyMs / 1000)
        if fault and fault.kind != "latency":
            self.log.add(record)
            return self._fault(environ, start_response, fault, record)
        if (method, path.rstrip("/") or "/") in HTML_ROUTES or lowered.startswith("/requests/"):
            status, headers, body, user = self._html(environ, method, path)
        else:
            status, headers, body, user = self._dispatch(environ, method, path, query_pairs, ROUTES)
        record.status, record.user = status, user
        self.log.add(record)
        return self._send(start_response, status, headers, body)

    @staticmethod
    def _send(start_response, status, headers, body: bytes):
        reason = {200: "OK", 302: "Found", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
                  405: "Method Not Allowed", 500: "Internal Server Error", 503: "Service Unavailable"}
        start_response(f"{status} {reason.get(status, 'Status')}",
                       headers + [("Content-Length", str(len(body)))])
        return [body]

    # ---- API and controls ------------------------------------------------------------------
    def _dispatch(self, environ, method, path, query_pairs, routes):
        ctx = Ctx(state=self.state, method=method, path=path, query=parse_query(query_pairs), app=self)
        try:
            route, params = resolve(routes, method, path)
            self._read_body(environ, ctx)
            with self.state.lock:
                changed = access.sweep_expired(self.state)
                if not route.anonymous:
                    ctx.user, ctx.token = authenticate(self.state, environ.get("HTTP_AUTHORIZATION"))
                    ctx.log_user = ctx.user["userName"]
                try:
                    result = route.handler(ctx, **params)
                finally:
                    if changed or method != "GET":
                        self.state.save()
            status, body = 200, result
        except ApiError as exc:
            status, body = exc.status, exc.body
        except Exception as exc:  # noqa: BLE001 - the 500 body is part of the contract
            log.exception("emulator handler failed")
            status, body = 500, server_error(str(exc), type(exc).__name__, traceback.format_exc())
        return status, [("Content-Type", JSON)], json_bytes(body), ctx.log_user

    @staticmethod
    def _read_body(environ, ctx):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        ctype = (environ.get("CONTENT_TYPE") or "").lower()
        if "application/x-www-form-urlencoded" in ctype:
            ctx.form = CIDict(dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)))
        elif raw.strip():
            try:
                ctx.body = ci(json.loads(raw))
            except ValueError:
                raise invalid({"args": "The request body is not valid JSON."}) from None

    # ---- HTML page ------------------------------------------------------------------------
    def _html(self, environ, method, path):
        form = {}
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            form = dict(parse_qsl(environ["wsgi.input"].read(length).decode("utf-8", "replace")))
        state = self.state
        headers = [("Content-Type", HTML)]
        with state.lock:
            access.sweep_expired(state)
            user, session = html_page.session_user(state, environ)
            name = user["userName"] if user else None
            if method == "GET":
                return 200, headers, html_page.home(state, user, session), name
            if path.rstrip("/") == "/signin":
                key, error = html_page.sign_in(state, form)
                state.save()
                if not key:
                    return 400, headers, html_page.home(state, None, None, error, error=True), form.get("username")
                cookie = f"{html_page.COOKIE}={key}; Path=/; HttpOnly; SameSite=Lax"
                return 302, [("Location", "/"), ("Set-Cookie", cookie)] + headers, b"", form.get("username")
            if not user or form.get("csrf") != session["csrf"]:
                return 403, headers, html_page.home(state, None, None, "Please sign in again.", True), name
            if path.rstrip("/") == "/signout":
                state.sessions = {k: v for k, v in state.sessions.items() if v is not session}
                state.save()
                expired = f"{html_page.COOKIE}=; Path=/; Max-Age=0"
                return 302, [("Location", "/"), ("Set-Cookie", expired)] + headers, b"", name
            try:
                if path.rstrip("/") == "/share":
                    message = html_page.share(state, user, form)
                else:
                    req_id = int(path.rstrip("/").split("/")[2])
                    message = html_page.review(state, user, req_id, form)
                state.save()
                return 200, headers, html_page.home(state, user, session, message), name
            except (ApiError, ValueError, IndexError) as exc:
                text = exc.body.get("message") if isinstance(exc, ApiError) else "Unknown request."
                if isinstance(exc, ApiError) and "modelState" in exc.body:
                    text = " ".join(m for msgs in exc.body["modelState"].values() for m in msgs)
                return 400, headers, html_page.home(state, user, session, text, True), name

    # ---- faults ---------------------------------------------------------------------------
    def _fault(self, environ, start_response, fault, record):
        kind = fault.kind
        if kind == "status":
            record.status = fault.status
            body = server_error("Injected fault.", "System.InvalidOperationException",
                                message="An error has occurred." if fault.status == 500 else "Service Unavailable")
            return self._send(start_response, fault.status, [("Content-Type", JSON)], json_bytes(body))
        if kind == "malformed":
            record.status = 200
            return self._send(start_response, 200, [("Content-Type", JSON)], MALFORMED_JSON)
        if kind == "html":
            record.status = 200
            return self._send(start_response, 200, [("Content-Type", HTML)], IIS_HTML)
        if kind == "truncate":
            record.status = 200
            body = b'{"success":true,"records":[{"id":1,"name":"partial'
            start_response("200 OK", [("Content-Type", JSON), ("Content-Length", str(len(body) + 512)),
                                      ("Connection", "close")])
            return [body]
        # drop: reset the connection without sending a status line.
        sock = environ.get("werkzeug.socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        raise DroppedConnection()


class DroppedConnection(ConnectionResetError):
    """Raised after deliberately resetting a socket; the server treats it as a vanished client."""
