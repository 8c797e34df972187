"""SCIM throughput: the connector's /v2 service against Secret Server lookups made directly, in one run.

Run from the repository root:
    python bench/scim_throughput.py [--users 10000] [--groups 500] [--lookups 2000] [--threads 4]
                                    [--workers 2] [--probes 200]

Starts the Secret Server emulator in its own process, seeded with the demo cast plus N generated users and M
groups (its --users/--groups option), sets the connector up against it (a throwaway SQLite file, the Redis
cache at CACHE_URL, default redis://127.0.0.1:6379/12), creates one SCIM endpoint, and serves the connector
with gunicorn. Then, each time with the same client threads and the same randomly chosen user names:

Direct and SCIM runs alternate in rounds, so a busy machine weighs on both alike.

1. userName lookups: ``GET /v2/Users?filter=userName eq "userNNNNN"`` through the connector, against the same
   lookup sent straight to the emulator (``GET /api/v1/users?filter.searchText=…&filter.includeInactive=true``
   with the application account's token). Throughput ratio connector / direct (target >= 0.8).
2. Okta's connection test ``GET /v2/Users?count=2&startIndex=1``, one at a time: p50/p95/p99 latency
   (target p95 < 600 ms), against the first page of two users read directly.
3. A full walk of all users in pages of 100 (Okta's import), against the same walk done directly; every
   user must be seen exactly once and the count must equal totalResults.

For every scenario it prints the Secret Server calls the connector made per SCIM request (from the
emulator's request log; token grants counted apart). Not a timed test: figures, not assertions, except
that each SCIM answer must be correct (a wrong answer stops the run).
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from urllib.parse import quote

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
_WORKDIR = tempfile.mkdtemp(prefix="bench-scim-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scimsite.settings_test")
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/12")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{os.path.join(_WORKDIR, 'bench_scim.sqlite3')}")
os.environ["SECRET_SERVER_ALLOW_HTTP"] = "true"
os.environ["CONNECTOR_HOSTNAME"] = "benchhost"
os.environ.setdefault("CONNECTOR_LOG_DIR", "")
# The test settings module supplies keys; the SCIM knobs it turns off for tests are set back to what
# production runs (scimsite/settings.py defaults): request log rows queued, the setup row kept per process.
os.environ.setdefault("SCIM_REQUEST_LOG_ASYNC", "true")
os.environ.setdefault("SCIM_BOOTSTRAP_CACHE_SECONDS", "10")

APP = ("scim-app", "App-Passw0rd!")
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(url: str, what: str, timeout: float = 60.0, headers=None) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            response = requests.get(url, timeout=2, headers=headers)
            if response.status_code < 500:
                return
            last = response.status_code
        except requests.RequestException as exc:
            last = type(exc).__name__
        time.sleep(0.2)
    raise SystemExit(f"{what} did not come up at {url} ({last})")


def start_emulator(users: int, groups: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "secretserver_emulator", "--host", "127.0.0.1", "--port", str(port),
         "--seed", "demo", "--users", str(users), "--groups", str(groups)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    wait_until(f"{url}/api/v1/healthcheck", "the emulator")
    return process, url


def start_connector(workers: int, threads: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = open(os.path.join(_WORKDIR, "gunicorn.log"), "wb")
    process = subprocess.Popen(
        [shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or "gunicorn", "scimsite.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
         "--worker-class", "gthread", "--log-level", "warning"],
        cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=log, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    wait_until(f"{url}/v2/ServiceProviderConfig", "the connector (gunicorn)")
    return process, url


def stop(process: subprocess.Popen | None) -> None:
    if process and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def configure_connector(ss_url: str) -> str:
    """Migrate the throwaway database, set the connector up against the emulator, return an endpoint token."""
    import django

    django.setup()
    from django.core.cache import caches
    from django.core.management import call_command

    from connector.configuration import ConnectorSettings, SettingsDocument
    from connector.crypto import encrypt_secret
    from connector.models import ConnectorBootstrap
    from connector.secretserver import SecretServerClient
    from connector.services.endpoints import endpoint_create

    call_command("migrate", verbosity=0)
    caches["default"].clear()
    app = SecretServerClient.for_application_account(ss_url, *APP)
    folder = app.create_folder("SCIM benchhost")
    scim_secret = app.create_secret(app.secret_stub(9, folder.id), name="SCIMSecret benchhost", folder_id=folder.id,
                                    fields={"url": ss_url, "username": APP[0], "password": APP[1],
                                            "notes": SettingsDocument(ConnectorSettings(allow_http_endpoints=True),
                                                                      0).to_json()})
    ConnectorBootstrap.objects.create(
        secret_server_url=ss_url, allow_http=True, app_username=APP[0], app_password_encrypted=encrypt_secret(APP[1]),
        folder_id=folder.id, scim_secret_id=scim_secret.id, hostname="benchhost", configured_by="bench")
    return endpoint_create(name="Bench IdP", url=ss_url, username=APP[0], password=APP[1]).token.value


# --- Secret Server calls, from the emulator's own request log --------------------------------------------

class CallCounter:
    def __init__(self, ss_url: str):
        self.url = f"{ss_url}/_emulator/requests"

    def clear(self) -> None:
        requests.delete(self.url, timeout=10).raise_for_status()

    def records(self) -> list[dict]:
        records = requests.get(self.url, timeout=30).json()["requests"]
        return [r for r in records if not r["path"].lower().startswith("/_emulator")]

    def counts(self) -> tuple[int, int]:
        records = self.records()
        grants = sum(1 for r in records if r["path"].lower().rstrip("/") == "/oauth2/token")
        return grants, len(records) - grants


# --- load --------------------------------------------------------------------------------------------------

def run_threads(work: list, threads: int, call) -> tuple[float, list[float]]:
    """Run ``call(session, item)`` over ``work`` from ``threads`` threads; wall time and per-call latencies."""
    chunks = [work[i::threads] for i in range(threads)]
    latencies: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads + 1)

    def worker(chunk):
        session = requests.Session()
        mine = []
        barrier.wait()
        try:
            for item in chunk:
                t0 = time.perf_counter()
                call(session, item)
                mine.append(time.perf_counter() - t0)
        except BaseException as exc:  # reported after the run
            errors.append(exc)
        with lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=worker, args=(chunk,), daemon=True) for chunk in chunks]
    for thread in pool:
        thread.start()
    barrier.wait()
    t0 = time.perf_counter()
    for thread in pool:
        thread.join()
    wall = time.perf_counter() - t0
    if errors:
        raise SystemExit(f"a request failed: {errors[0]!r}")
    return wall, latencies


def alternate(work: list, rounds: int, direct, scim, counter: "CallCounter"):
    """Direct and SCIM in alternating rounds over the same work, so both see the same machine load.

    Returns (direct wall, direct latencies, SCIM wall, SCIM latencies, token grants, Secret Server calls),
    the calls counted during the SCIM rounds only.
    """
    d_wall = s_wall = 0.0
    d_lat: list[float] = []
    s_lat: list[float] = []
    grants = calls = 0
    for r in range(rounds):
        chunk = work[r::rounds]
        wall, lat = direct(chunk)
        d_wall, d_lat = d_wall + wall, d_lat + lat
        counter.clear()
        wall, lat = scim(chunk)
        g, c = counter.counts()
        s_wall, s_lat, grants, calls = s_wall + wall, s_lat + lat, grants + g, calls + c
    return d_wall, d_lat, s_wall, s_lat, grants, calls


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--groups", type=int, default=500)
    parser.add_argument("--lookups", type=int, default=2000, help="userName lookups per side")
    parser.add_argument("--threads", type=int, default=4, help="client threads for the lookups")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--worker-threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--probes", type=int, default=200, help="Okta connection tests, one at a time")
    parser.add_argument("--rounds", type=int, default=4,
                        help="direct and SCIM alternate in this many rounds (same load on a shared machine)")
    args = parser.parse_args()
    t_start = time.monotonic()
    emulator = connector = None
    try:
        emulator, ss_url = start_emulator(args.users, args.groups)
        token = configure_connector(ss_url)
        connector, scim_url = start_connector(args.workers, args.worker_threads)
        counter = CallCounter(ss_url)
        scim_headers = {"Authorization": f"Bearer {token}", "Accept": "application/scim+json"}
        grant = requests.post(f"{ss_url}/oauth2/token", timeout=10,
                              data={"grant_type": "password", "username": APP[0], "password": APP[1]}).json()
        ss_headers = {"Authorization": f"Bearer {grant['access_token']}"}

        rng = random.Random(11)
        names = [f"user{rng.randint(1, args.users):05d}" for _ in range(args.lookups)]
        rows = []

        # 1. userName eq lookups --------------------------------------------------------------------------
        def direct_lookup(session, name):
            response = session.get(f"{ss_url}/api/v1/users", headers=ss_headers, timeout=30, params={
                "filter.searchText": name, "filter.includeInactive": "true", "take": 100})
            records = response.json()["records"]
            if response.status_code != 200 or sum(r["userName"].lower() == name for r in records) != 1:
                raise AssertionError(f"direct lookup of {name}: {response.status_code} {response.text[:200]}")

        def scim_lookup(session, name):
            response = session.get(f"{scim_url}/v2/Users?filter=" + quote(f'userName eq "{name}"'),
                                   headers=scim_headers, timeout=30)
            body = response.json()
            if response.status_code != 200 or body.get("totalResults") != 1 or \
                    body["Resources"][0]["userName"].lower() != name:
                raise AssertionError(f"SCIM lookup of {name}: {response.status_code} {response.text[:300]}")

        warm = names[:20]
        run_threads(warm, 2, direct_lookup)
        run_threads(warm, 2, scim_lookup)
        direct_wall, direct_lat, scim_wall, scim_lat, grants, calls = alternate(
            names, args.rounds, lambda chunk: run_threads(chunk, args.threads, direct_lookup),
            lambda chunk: run_threads(chunk, args.threads, scim_lookup), counter)
        direct_rps, scim_rps = len(names) / direct_wall, len(names) / scim_wall
        counter.clear()
        scim_lookup(requests.Session(), names[0])
        behind_lookup = [f"{r['method']} {r['path']} {r['query']}" for r in counter.records()]
        rows.append(("userName eq lookup", len(names), direct_rps, scim_rps, pct(direct_lat, 95), pct(scim_lat, 95),
                     grants, calls))

        # 2. Okta's connection test, one at a time ---------------------------------------------------------
        def direct_first_page(session, _):
            response = session.get(f"{ss_url}/api/v1/users", headers=ss_headers, timeout=30,
                                   params={"skip": 0, "take": 2, "filter.includeInactive": "true"})
            if response.status_code != 200 or len(response.json()["records"]) != 2:
                raise AssertionError(f"direct first page: {response.status_code}")

        def okta_connection_test(session, _):
            response = session.get(f"{scim_url}/v2/Users?count=2&startIndex=1", headers=scim_headers, timeout=30)
            body = response.json()
            if response.status_code != 200 or LIST_RESPONSE not in body.get("schemas", []) or \
                    not body.get("Resources") or not all(isinstance(body.get(k), int) and not isinstance(body.get(k), bool)
                                                         for k in ("totalResults", "startIndex", "itemsPerPage")):
                raise AssertionError(f"Okta connection test: {response.status_code} {response.text[:300]}")

        probes = list(range(args.probes))
        direct_wall2, direct_lat2, okta_wall, okta_lat, grants2, calls2 = alternate(
            probes, args.rounds, lambda chunk: run_threads(chunk, 1, direct_first_page),
            lambda chunk: run_threads(chunk, 1, okta_connection_test), counter)
        rows.append(("Okta connection test", len(probes), len(probes) / direct_wall2, len(probes) / okta_wall,
                     pct(direct_lat2, 95), pct(okta_lat, 95), grants2, calls2))

        # 3. a full walk in pages of 100 -------------------------------------------------------------------
        def direct_walk():
            session, seen, skip, pages = requests.Session(), set(), 0, 0
            while True:
                page = session.get(f"{ss_url}/api/v1/users", headers=ss_headers, timeout=60, params={
                    "skip": skip, "take": 100, "filter.includeInactive": "true"}).json()
                pages += 1
                seen.update(r["id"] for r in page["records"])
                if not page.get("hasNext"):
                    return seen, page["total"], pages
                skip = page["nextSkip"]

        def scim_walk():
            session, seen, start, pages, total = requests.Session(), [], 1, 0, None
            while total is None or start <= total:
                response = session.get(f"{scim_url}/v2/Users?startIndex={start}&count=100", headers=scim_headers,
                                       timeout=60)
                body = response.json()
                if response.status_code != 200:
                    raise AssertionError(f"walk page at {start}: {response.status_code} {response.text[:300]}")
                pages += 1
                total = body["totalResults"]
                resources = body.get("Resources", [])
                if not resources:
                    break
                seen += [r["id"] for r in resources]
                start += len(resources)
            return seen, total, pages

        t0 = time.perf_counter()
        direct_seen, direct_total, direct_pages = direct_walk()
        direct_walk_s = time.perf_counter() - t0
        counter.clear()
        t0 = time.perf_counter()
        scim_seen, scim_total, scim_pages = scim_walk()
        scim_walk_s = time.perf_counter() - t0
        grants3, calls3 = counter.counts()
        if len(scim_seen) != len(set(scim_seen)) or len(scim_seen) != scim_total:
            raise SystemExit(f"the SCIM walk saw {len(scim_seen)} resources ({len(set(scim_seen))} distinct), "
                             f"totalResults {scim_total}")
    except BaseException:
        log = os.path.join(_WORKDIR, "gunicorn.log")
        if os.path.exists(log):
            with open(log, "rb") as handle:
                print("--- gunicorn log (tail) ---\n" + handle.read()[-3000:].decode("utf-8", "replace"),
                      file=sys.stderr)
        raise
    finally:
        stop(connector)
        stop(emulator)
        try:
            from django.core.cache import caches

            caches["default"].clear()
        except Exception:
            pass
        shutil.rmtree(_WORKDIR, ignore_errors=True)

    print(f"\nSCIM throughput — emulator with {args.users} generated users and {args.groups} groups "
          f"(+ the demo cast); connector: gunicorn {args.workers} workers x {args.worker_threads} threads; "
          f"{args.threads} client threads for lookups")
    print(f"{'scenario':<24}{'requests':>9}{'direct/s':>10}{'SCIM/s':>9}{'ratio':>7}{'direct p95':>12}"
          f"{'SCIM p95':>10}{'SS calls/req':>14}{'grants':>8}")
    for name, n, d_rps, s_rps, d95, s95, g, c in rows:
        print(f"{name:<24}{n:>9}{d_rps:>10.1f}{s_rps:>9.1f}{s_rps / d_rps:>7.2f}{d95 * 1000:>10.1f}ms"
              f"{s95 * 1000:>8.1f}ms{c / n:>14.2f}{g:>8}")
    print("Secret Server calls behind one SCIM userName lookup: " + ("; ".join(behind_lookup) or "none"))
    print(f"\nuserName eq lookups: connector keeps {scim_rps / direct_rps:.2f} of the direct throughput "
          f"(target >= 0.80)")
    print(f"Okta connection test: p50 {pct(okta_lat, 50) * 1000:.1f} ms, p95 {pct(okta_lat, 95) * 1000:.1f} ms, "
          f"p99 {pct(okta_lat, 99) * 1000:.1f} ms, max {max(okta_lat) * 1000:.1f} ms (target p95 < 600 ms)")
    print(f"full walk, pages of 100: SCIM {scim_pages} pages, {len(scim_seen)} users (totalResults {scim_total}) in "
          f"{scim_walk_s:.2f} s; direct {direct_pages} pages, {len(direct_seen)} users (total {direct_total}) in "
          f"{direct_walk_s:.2f} s; ratio SCIM/direct time {scim_walk_s / direct_walk_s:.2f}x; "
          f"Secret Server calls {calls3} ({calls3 / scim_pages:.2f} per page) + {grants3} token grants")
    print(f"median lookup latency: direct {statistics.median(direct_lat) * 1000:.1f} ms, "
          f"SCIM {statistics.median(scim_lat) * 1000:.1f} ms")
    print(f"\ntotal bench time {time.monotonic() - t_start:.1f} s")


if __name__ == "__main__":
    main()
