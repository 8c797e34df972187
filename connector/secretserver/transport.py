"""HTTP transport: the only place in the project that speaks HTTP to Secret Server.

* one ``requests.Session`` per client, a descriptive User-Agent, no redirects followed;
* a TOTAL deadline per call (connect + headers + body + retries): the body is streamed with ``read1`` and a
  monotonic clock check after every socket read, and the socket timeout is shrunk to what is left, so a slow
  drip fails at the deadline (reliability-security.md §3: per-read timeouts are not enough);
* a response size cap: Content-Length checked first, then the streamed byte count;
* retries with capped, jittered exponential backoff for idempotent calls only, on ``Unavailable``;
* one DEBUG log line per attempt: method, path (never the query), status, elapsed ms — never bodies.
"""
from __future__ import annotations

import json
import logging
import random
import socket
import time
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
import urllib3

from . import errors as E

log = logging.getLogger("connector.secretserver")

USER_AGENT = "scim-connector-secretserver-client/1.0 (+https://github.com/; python-requests)"
CHUNK = 64 * 1024
API_PREFIX = "/api/v1"
TOKEN_PATH = "/oauth2/token"


@dataclass(frozen=True)
class HttpResponse:
    """A fully read response. ``body`` is bytes; ``data`` is the decoded JSON (never leaves the package)."""

    status: int
    content_type: str
    body: bytes = field(repr=False)
    elapsed_ms: int
    method: str
    path: str
    data: object = field(default=None, repr=False)


def _content_type(resp) -> str:
    return (resp.headers.get("Content-Type") or "").split(";")[0].strip().lower()


def _is_json_type(ct: str) -> bool:
    return ct == "application/json" or ct.endswith("+json") or ct == "text/json"


def _find_socket(raw) -> socket.socket | None:
    """Best effort: the socket under a urllib3 response, so its timeout can shrink to the remaining deadline."""
    for getter in (
        lambda r: r._connection.sock,
        lambda r: r._fp.fp.raw._sock,
    ):
        try:
            sock = getter(raw)
        except AttributeError:
            continue
        if isinstance(sock, socket.socket) or hasattr(sock, "settimeout"):
            return sock
    return None


def _retry_after(resp) -> float | None:
    value = resp.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


CALL_COUNTER: ContextVar[list[int] | None] = ContextVar("secret_server_call_counter", default=None)
"""Set it to ``[0]`` around a unit of work (one SCIM request) to count the HTTP requests sent to Secret
Server in it, retries and token grants included; ``None`` (the default) counts nothing."""


class Transport:
    """Sends one logical call (with its retries) under one total deadline; classifies every failure."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float,
        verify: bool | str = True,
        max_response_bytes: int = 10 * 1024 * 1024,
        retries: int = 2,
        backoff_base: float = 0.2,
        backoff_cap: float = 2.0,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
    ):
        if not base_url:
            raise ValueError("Secret Server base URL is not configured")
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("Secret Server base URL must be an absolute http(s) URL")
        self.base_url = base_url.rstrip("/")
        self.timeout = float(timeout)
        self.verify = verify
        self.max_response_bytes = int(max_response_bytes)
        self.retries = max(0, int(retries))
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self._sleep = sleep
        self._rng = rng
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept"] = "application/json"

    def __repr__(self) -> str:
        return f"Transport(base_url={self.base_url!r}, timeout={self.timeout!r}, retries={self.retries!r})"

    def close(self) -> None:
        self.session.close()

    # -- backoff ---------------------------------------------------------------------------------------
    def backoff_delay(self, attempt: int) -> float:
        """Delay before retry number ``attempt`` (1-based): equal jitter over a capped exponential."""
        ceiling = min(self.backoff_cap, self.backoff_base * (2 ** (attempt - 1)))
        return ceiling / 2 + self._rng() * ceiling / 2

    # -- the call --------------------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, object] | None = None,
        json_body: object = None,
        form: Mapping[str, str] | None = None,
        token: str | None = None,
        retry: bool = False,
        token_call: bool = False,
        secrets: Iterable[str] = (),
        expect_json: bool = True,
        timeout: float | None = None,
    ) -> HttpResponse:
        """One logical call. ``retry`` only for idempotent calls; the password grant passes ``retry=False``."""
        method = method.upper()
        secret_values = [s for s in secrets if s]
        if token:
            secret_values.append(token)
        if form:
            secret_values.extend(v for k, v in form.items() if k.lower() in ("password", "refresh_token") and v)
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        attempts = 1 + (self.retries if retry else 0)
        last: E.SecretServerError | None = None
        for attempt in range(1, attempts + 1):
            try:
                return self._once(method, path, params, json_body, form, token, token_call, secret_values,
                                  expect_json, deadline, attempt)
            except E.Unavailable as exc:
                last = exc
                if attempt >= attempts:
                    break
                delay = self.backoff_delay(attempt)
                if exc.retry_after is not None:
                    delay = min(max(delay, exc.retry_after), self.backoff_cap)
                remaining = deadline - time.monotonic()
                if remaining <= delay + 0.05:  # no time left for a meaningful retry
                    break
                self._sleep(delay)
        assert last is not None
        raise last

    def _once(self, method, path, params, json_body, form, token, token_call, secrets, expect_json, deadline,
              attempt) -> HttpResponse:
        url = self.base_url + path
        counter = CALL_COUNTER.get()
        if counter is not None:
            counter[0] += 1
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        started = time.monotonic()
        remaining = deadline - started
        if remaining <= 0:
            raise E.Unavailable("Deadline exceeded before the call", method=method, path=path)
        ctx = dict(method=method, path=path)
        status = None
        try:
            try:
                resp = self.session.request(
                    method, url, params=_clean_params(params), json=json_body, data=form, headers=headers,
                    timeout=(min(remaining, 5.0), remaining), stream=True, verify=self.verify,
                    allow_redirects=False,
                )
            except requests.exceptions.SSLError as exc:
                raise E.Unavailable(f"TLS error talking to Secret Server ({type(exc).__name__})", **ctx) from None
            except (requests.exceptions.Timeout, socket.timeout) as exc:
                raise E.Unavailable(f"Secret Server did not answer in time ({type(exc).__name__})", **ctx) from None
            except requests.exceptions.ConnectionError as exc:
                raise E.Unavailable(f"Cannot connect to Secret Server ({type(exc).__name__})", **ctx) from None
            except requests.exceptions.RequestException as exc:
                raise E.Unavailable(f"HTTP error talking to Secret Server ({type(exc).__name__})", **ctx) from None
            status = resp.status_code
            try:
                body = self._read_body(resp, deadline, ctx, status)
            finally:
                resp.close()
        finally:
            elapsed = int((time.monotonic() - started) * 1000)
            log.debug("secretserver %s %s -> %s in %d ms (attempt %d)", method, path, status or "-", elapsed,
                      attempt)
        return self._interpret(resp, status, body, elapsed, token_call, bool(token), secrets, expect_json, ctx)

    def _read_body(self, resp, deadline, ctx, status) -> bytes:
        cap = self.max_response_bytes
        length = resp.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > cap:
            raise E.UnexpectedResponse(f"Response larger than {cap} bytes", status=status, **ctx)
        raw = resp.raw
        sock = _find_socket(raw)
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise E.Unavailable("Deadline exceeded while reading the response", status=status, **ctx)
                if sock is not None:
                    try:
                        sock.settimeout(max(0.01, remaining))
                    except OSError:
                        pass
                read1 = getattr(raw, "read1", None)
                chunk = read1(CHUNK, decode_content=True) if read1 else raw.read(CHUNK, decode_content=True)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > cap:
                    raise E.UnexpectedResponse(f"Response larger than {cap} bytes", status=status, **ctx)
            if time.monotonic() > deadline:
                raise E.Unavailable("Deadline exceeded while reading the response", status=status, **ctx)
        except E.SecretServerError:
            raise
        except (urllib3.exceptions.IncompleteRead, urllib3.exceptions.ProtocolError) as exc:
            if _is_incomplete(exc):
                raise E.UnexpectedResponse("Truncated response body", status=status, **ctx) from None
            raise E.Unavailable("Connection dropped while reading the response", status=status, **ctx) from None
        except (socket.timeout, TimeoutError, urllib3.exceptions.ReadTimeoutError):
            raise E.Unavailable("Deadline exceeded while reading the response", status=status, **ctx) from None
        except (OSError, urllib3.exceptions.HTTPError, requests.exceptions.RequestException):
            raise E.Unavailable("Connection dropped while reading the response", status=status, **ctx) from None
        return b"".join(chunks)

    def _interpret(self, resp, status, body, elapsed, token_call, bearer, secrets, expect_json, ctx) -> HttpResponse:
        ct = _content_type(resp)
        data = None
        parsed_ok = False
        if body and (_is_json_type(ct) or body.lstrip()[:1] in (b"{", b"[")) and "html" not in ct:
            try:
                data = json.loads(body.decode("utf-8-sig"))
                parsed_ok = True
            except (ValueError, UnicodeDecodeError):
                parsed_ok = False
        excerpt = E.redact_body(body, secrets)
        common = dict(status=status, body_excerpt=excerpt, **ctx)

        if 200 <= status < 300:
            if token_call:
                if not (parsed_ok and isinstance(data, dict)):
                    # Contract: "200 with an HTML body is also a failure" of the password grant.
                    raise E.LoginFailed("Token endpoint answered without a token", **common)
                return HttpResponse(status, ct, body, elapsed, ctx["method"], ctx["path"], data)
            if not expect_json:
                return HttpResponse(status, ct, body, elapsed, ctx["method"], ctx["path"], None)
            if not body.strip():
                raise E.UnexpectedResponse("Empty response body", **common)
            if "html" in ct or body.lstrip()[:1] == b"<":
                raise E.UnexpectedResponse("HTML instead of JSON", **common)
            if not _is_json_type(ct):
                raise E.UnexpectedResponse(f"Unexpected content type {ct or 'none'!r}", **common)
            if not parsed_ok:
                raise E.UnexpectedResponse("Invalid JSON", **common)
            return HttpResponse(status, ct, body, elapsed, ctx["method"], ctx["path"], data)

        raise classify_error(data if parsed_ok else None, token_call=token_call, bearer=bearer,
                             secrets=secrets, retry_after=_retry_after(resp), html="html" in ct, **common)


def classify_error(data, *, status, token_call, bearer, secrets, retry_after=None, html=False, **common):
    """Map a non-2xx answer to a named error — by ``errorCode``/``error`` first, never by status alone."""
    common["status"] = status
    obj = {str(k).lower(): v for k, v in data.items()} if isinstance(data, dict) else {}
    code = obj.get("errorcode") if isinstance(obj.get("errorcode"), str) else None
    message = obj.get("message") if isinstance(obj.get("message"), str) else None
    error_text = obj.get("error") if isinstance(obj.get("error"), str) else None
    product = E.scrub(error_text or message, secrets) if (error_text or message) else None
    kw = dict(common, error_code=code, product_message=product)

    if token_call:
        if status >= 500 or status == 429:
            return E.Unavailable(f"Token endpoint failed with HTTP {status}", retry_after=retry_after, **kw)
        text = error_text or message or ""
        if "expired" in text.lower():
            return E.PasswordExpired(**kw)
        return E.LoginFailed(**kw)

    if code:
        low = code.lower()
        if "approvalrequired" in low or "validatesecretaccessapproval" in low:
            return E.ApprovalRequired(**kw)
        if "accessdenied" in low:
            return E.AccessDenied(**kw)
        if "notfound" in low:
            return E.NotFound(**kw)
    model_state = obj.get("modelstate")
    if status == 400 and isinstance(model_state, dict):
        fields = {}
        for name, msgs in model_state.items():
            items = msgs if isinstance(msgs, list) else [msgs]
            fields[E.scrub(name, secrets)] = tuple(E.scrub(m, secrets) for m in items)
        return E.ValidationFailed(message and product or None, field_errors=fields, **kw)
    if status in (401, 403) and bearer and not code:
        return E.AuthenticationFailed(**kw)
    if status == 404:
        return E.NotFound(**kw)
    if status >= 500 or status in (408, 429):
        return E.Unavailable(f"Secret Server answered HTTP {status}", retry_after=retry_after, **kw)
    if 300 <= status < 400:
        return E.UnexpectedResponse(f"Unexpected redirect (HTTP {status})", **kw)
    if html or not obj:
        return E.UnexpectedResponse(f"Unexpected HTTP {status} without a JSON error", **kw)
    return E.SecretServerError(f"Secret Server refused the call (HTTP {status})", **kw)


def _clean_params(params):
    if not params:
        return None
    out = {}
    for k, v in params.items():
        if v is None:
            continue
        if isinstance(v, bool):
            v = "true" if v else "false"
        out[k] = v
    return out


def _is_incomplete(exc) -> bool:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, urllib3.exceptions.IncompleteRead):
            return True
        for arg in getattr(exc, "args", ()):
            if isinstance(arg, urllib3.exceptions.IncompleteRead) or type(arg).__name__ == "IncompleteRead":
                return True
        exc = exc.__cause__ or exc.__context__
    return False
