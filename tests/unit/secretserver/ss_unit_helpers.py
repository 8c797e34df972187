"""Helpers for the Secret Server client's unit tests (imported by conftest.py and the tests)."""
from __future__ import annotations

import socket
import threading
import time

from connector.secretserver import SecretServerClient
from connector.secretserver.transport import Transport

BASE = "https://ss.example.test/SecretServer"
API = BASE + "/api/v1"
TOKEN_URL = BASE + "/oauth2/token"


def make_client(base=BASE, *, token="bearer-token-abc", timeout=5.0, retries=2, max_bytes=1_000_000, **kw):
    transport = Transport(base, timeout=timeout, retries=retries, max_response_bytes=max_bytes,
                          sleep=kw.pop("sleep", lambda s: None), **kw)
    return SecretServerClient(access_token=token, transport=transport) if token else SecretServerClient(transport=transport)


class FaultServer:
    """A loopback HTTP/1.1 "server" that misbehaves on purpose, one scripted fault per connection."""

    def __init__(self, mode: str, **opts):
        self.mode = mode
        self.opts = opts
        self.connections = 0
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        self._sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _read_request(self, conn):
        conn.settimeout(2)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                return data
            data += chunk
        return data

    def _handle(self, conn):
        try:
            self._read_request(conn)
            mode = self.mode
            if mode == "drip":  # headers at once, then one byte every `interval` seconds, forever-ish
                body = b'{"id": 1, "name": "' + b"x" * 400 + b'"}'
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                             + str(len(body)).encode() + b"\r\n\r\n")
                for b in body:
                    if self._stop.is_set():
                        break
                    conn.sendall(bytes([b]))
                    time.sleep(self.opts.get("interval", 0.2))
            elif mode == "drip_headers":
                for b in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: " + b"y" * 400:
                    if self._stop.is_set():
                        break
                    conn.sendall(bytes([b]))
                    time.sleep(self.opts.get("interval", 0.2))
            elif mode == "stall":  # accept, read the request, never answer
                self._stop.wait(self.opts.get("hold", 10))
            elif mode == "reset":  # RST before any response
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            elif mode == "reset_after_headers":
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\"")
                time.sleep(0.05)
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            elif mode == "truncated":  # promises 100 bytes, sends 7, closes cleanly
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":1")
            elif mode == "close":  # close without any response
                pass
            elif mode == "huge_chunked":  # no Content-Length: the cap must stop the stream
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                chunk = b"x" * 65536
                for _ in range(200):
                    conn.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
                conn.sendall(b"0\r\n\r\n")
        except OSError:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def close(self):
        self._stop.set()
        self._sock.close()
        self._thread.join(timeout=2)
