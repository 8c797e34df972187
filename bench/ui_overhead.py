"""Benchmark: the connector's own cost per UI page, Secret Server calls per page and per sign-in, the endpoint
list at 0/200/1,000 endpoints and throughput at concurrency 16 — this tree side by side with a baseline.

    python bench/ui_overhead.py [--baseline-ref main] [--runs 3] [--views 25] [--endpoints 0,200,1000]

Both variants run in the same invocation, each exactly as deployed: gunicorn (4 workers, DEBUG off) with
PostgreSQL (databases ``bench_ui_base`` / ``bench_ui_after`` on 127.0.0.1:5432, user postgres, created and
dropped here; never the test suite's ``test``) and Redis (DB 14 for the baseline, DB 15 for this tree), each against its
own Secret Server emulator process, both started from this tree. The baseline is ``git archive <ref>`` of this
repository unpacked in a temporary directory (default ``main``). Everything listens on 127.0.0.1, every loop is
bounded, and every process started here is stopped at the end (also on Ctrl-C).

Connector overhead of a page view = its wall time minus the time its Secret Server calls take when replayed
straight to the emulator (the emulator's request log, read once after each block of views, says which calls a
view made by their arrival times; each is replayed once over a kept-alive connection, anonymous ones on a new
connection as the connector does). Figures are p50 over
``--views`` views per run, then the median over ``--runs`` runs (variants interleaved run by run).
Targets (issue 10): overhead <= 5 ms p50 per page; sign-in 2 calls (known administrator) / 3 (auditor);
endpoint list O(1) calls per open and p50 < 50 ms at 1,000 endpoints.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PASSWORDS = {"admin": "Admin-Passw0rd!", "scim-app": "App-Passw0rd!", "carol": "Carol-Passw0rd!",
             "alice": "Alice-Passw0rd!"}
FLOOR = ("(floor: signed-in redirect, no view work)", "/favicon.ico")
PAGES = [("Home", "/"), ("Endpoint list", "/settings/endpoints/"), ("Configuration", "/settings/configuration/"),
         ("Settings > Secret Server", "/settings/secret-server/"), ("History", "/history/"), ("Audit", "/audit/")]
OVERHEAD_TARGET_MS = 5.0
LIST_TARGET_MS = 50.0
DEADLINE_SECONDS = 3600  # the whole run stops by itself after this, whatever happens


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            requests.get(url, timeout=2, allow_redirects=False)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@dataclass
class Variant:
    name: str
    tree: Path
    db: str
    cache_prefix: str
    procs: list = field(default_factory=list)
    emulator_url: str = ""
    url: str = ""

    def env(self, pg_base: str, redis_url: str) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
        env.update({
            # Each variant on its own Redis database: django-environ does not turn ``?key_prefix=`` into
            # KEY_PREFIX, so a shared database made both variants share every cache key (bootstrap version,
            # endpoint refresh window, Secret Server status), and one variant's refresh hid the other's.
            "DATABASE_URL": f"{pg_base}/{self.db}", "CACHE_URL": redis_url,
            "DEBUG": "false", "SECRET_KEY": "bench-ui-overhead-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "AUDIT_HMAC_KEY": "bench-audit-key", "CONNECTOR_ENCRYPTION_KEY": "bench-encryption-key",
            "SESSION_COOKIE_SECURE": "false", "SECURE_SSL_REDIRECT": "false", "ALLOWED_HOSTS": "127.0.0.1",
            "CONNECTOR_HOSTNAME": f"bench-{self.name}", "CONNECTOR_LOG_DIR": "", "SECRET_SERVER_ALLOW_HTTP": "true",
            "SECRET_SERVER_URL": self.emulator_url, "LOG_LEVEL": "WARNING", "PYTHONPATH": str(self.tree),
            "DJANGO_SETTINGS_MODULE": "scimsite.settings",
        })
        return env


# --- preparing each variant --------------------------------------------------------------------------

def baseline_tree(ref: str, into: Path) -> Path:
    data = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref], check=True,
                          capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


def pg_recreate(pg_admin: str, name: str, drop_only: bool = False) -> None:
    import psycopg

    assert re.fullmatch(r"bench_ui_[a-z0-9_]+", name), name  # never anyone else's database
    with psycopg.connect(pg_admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


SEED_SCRIPT = r"""
from datetime import UTC, datetime, timedelta
from accessrequests.models import AccessRequest
from connector.services.audit import audit_record
now = datetime.now(UTC)
AccessRequest.objects.bulk_create([AccessRequest(
    ss_request_id=900000 + i, secret_id=0, requester_name=f"person{i % 40:02d}",
    status=("Approved", "Denied", "Expired", "Pending")[i % 4], requested_at=now - timedelta(hours=i),
    comment=f"deploy ticket {i}", reviewer_name="admin" if i % 4 != 3 else "",
    justification="ok" if i % 4 != 3 else "") for i in range(2000)])
for i in range(120):
    audit_record(action="bench.seed", outcome="success", actor_name=f"user{i % 9}", target_type="endpoint",
                 target_id=str(i), target_repr=f"endpoint {i}", message="seeded for the UI benchmark")
"""


def start_variant(v: Variant, pg_base: str, pg_admin: str, redis_url: str, workers: int) -> None:
    port = free_port()
    # The emulator is this tree's for both variants: it is the yardstick, not what is measured (its request log
    # carries the arrival times that page_views needs).
    v.procs.append(subprocess.Popen([PYTHON, "-m", "secretserver_emulator", "--port", str(port), "--seed", "demo"],
                                    cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    start_new_session=True))
    v.emulator_url = f"http://127.0.0.1:{port}"
    wait_http(v.emulator_url + "/api/v1/healthcheck")
    pg_recreate(pg_admin, v.db)
    env = v.env(pg_base, redis_url)
    run = dict(cwd=v.tree, env=env, check=True, capture_output=True, text=True, timeout=600)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], **run)
    subprocess.run([PYTHON, "manage.py", "configure_secretserver", "--url", v.emulator_url, "--admin-username",
                    "admin", "--app-username", "scim-app", "--allow-http", "--password-stdin"],
                   input=f"{PASSWORDS['admin']}\n{PASSWORDS['scim-app']}\n", **run)
    subprocess.run([PYTHON, "manage.py", "shell", "-c", SEED_SCRIPT], **run)
    port = free_port()
    v.procs.append(subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "scimsite.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--error-logfile", "-", "--log-level", "warning"],  # no access log: the README's command has none
        cwd=v.tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
    v.url = f"http://127.0.0.1:{port}"
    wait_http(v.url + "/accounts/login/")


def stop_variant(v: Variant, pg_admin: str) -> None:
    for proc in v.procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in v.procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    v.procs.clear()
    with contextlib.suppress(Exception):
        pg_recreate(pg_admin, v.db, drop_only=True)


# --- the emulator's request log and the replay ------------------------------------------------------

class Emulator:
    def __init__(self, url: str):
        self.url = url
        self.http = requests.Session()
        self.tokens: dict[str, str] = {}
        self.replayer = requests.Session()

    def clear(self) -> None:
        self.http.delete(self.url + "/_emulator/requests", timeout=10)

    def calls(self) -> list[dict]:
        rows = self.http.get(self.url + "/_emulator/requests", timeout=10).json()["requests"]
        return [r for r in rows if not r["path"].startswith("/_emulator/")]

    def token(self, user: str) -> str:
        if user not in self.tokens:
            r = self.replayer.post(self.url + "/oauth2/token", data={
                "grant_type": "password", "username": user, "password": PASSWORDS[user]}, timeout=10)
            self.tokens[user] = r.json()["access_token"]
        return self.tokens[user]

    def replay_ms(self, calls: list[dict]) -> float:
        """Time of these calls made straight to the emulator (GETs and token grants; the rest are not replayed)."""
        total = 0.0
        for c in calls:
            user, path, query = c.get("user"), c["path"], c.get("query") or {}
            t = time.perf_counter()
            if path.lower() == "/oauth2/token" and user in PASSWORDS:
                self.replayer.post(self.url + path, data={"grant_type": "password", "username": user,
                                                          "password": PASSWORDS[user]}, timeout=10)
            elif c["method"] == "GET" and not user:
                requests.get(self.url + path, params=query, timeout=10)  # anonymous: a new connection
            elif c["method"] == "GET" and user in PASSWORDS:
                headers = {"Authorization": f"Bearer {self.token(user)}"}
                t = time.perf_counter()
                self.replayer.get(self.url + path, params=query, headers=headers, timeout=10)
            else:
                continue
            total += (time.perf_counter() - t) * 1000
        return total


def signed_in(base_url: str, user: str) -> requests.Session:
    s = requests.Session()
    s.get(base_url + "/accounts/login/", timeout=30)
    r = s.post(base_url + "/accounts/login/", data={
        "username": user, "password": PASSWORDS[user], "csrfmiddlewaretoken": s.cookies.get("csrftoken", "")},
        headers={"Referer": base_url + "/accounts/login/"}, allow_redirects=False, timeout=30)
    if r.status_code != 302:
        raise RuntimeError(f"sign-in of {user} failed: HTTP {r.status_code}")
    return s


def sign_in_calls(v: Variant, emu: Emulator, user: str) -> tuple[int, int]:
    """(calls as the person, all calls) for one sign-in through the form."""
    s = requests.Session()
    s.get(v.url + "/accounts/login/", timeout=30)
    emu.clear()
    r = s.post(v.url + "/accounts/login/", data={
        "username": user, "password": PASSWORDS[user], "csrfmiddlewaretoken": s.cookies.get("csrftoken", "")},
        headers={"Referer": v.url + "/accounts/login/"}, allow_redirects=False, timeout=30)
    assert r.status_code == 302, (v.name, user, r.status_code)
    calls = emu.calls()
    return len([c for c in calls if c.get("user") != "scim-app"]), len(calls)


def page_views(v: Variant, emu: Emulator, session: requests.Session, path: str, views: int):
    """[(wall ms, replay ms, calls)] for ``views`` views (after one warm-up view, not counted).

    The views run back to back; the emulator's log is read once afterwards, and each call is given to the view
    whose span holds its arrival time (``at``, this machine's clock). Reading the log between views, as this
    bench first did, put two emulator requests in every gap whose tail overlapped the next view on a 2-core
    machine: +0.3 ms on the floor and up to +0.9 ms on a list page, measured the same day on the same tree."""
    session.get(v.url + path, timeout=60, allow_redirects=False)
    emu.clear()
    spans = []
    for _ in range(views):
        start = time.time()
        t = time.perf_counter()
        r = session.get(v.url + path, timeout=60, allow_redirects=False)
        wall = (time.perf_counter() - t) * 1000
        spans.append((start, time.time(), wall))
        assert r.status_code == (301 if path == FLOOR[1] else 200), (v.name, path, r.status_code)
    calls = emu.calls()
    out = []
    for start, end, wall in spans:
        mine = [c for c in calls if start <= c["at"] <= end]
        out.append((wall, emu.replay_ms(mine), len(mine)))
    return out


def throughput(v: Variant, path: str, cookies, concurrency: int = 16, seconds: float = 5.0) -> float:
    done, stop = [0] * concurrency, time.monotonic() + seconds

    def worker(i):
        s = requests.Session()
        s.cookies.update(cookies)
        while time.monotonic() < stop:
            if s.get(v.url + path, timeout=30).status_code == 200:
                done[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 60)
    return sum(done) / (time.monotonic() - t0)


def add_endpoints(v: Variant, count: int, have: int) -> None:
    """Endpoints made directly in Secret Server (as scim-app, in the SCIM folder) up to ``count``."""
    if count <= have:
        return
    s, base = requests.Session(), v.emulator_url
    token = s.post(base + "/oauth2/token", data={"grant_type": "password", "username": "scim-app",
                                                 "password": PASSWORDS["scim-app"]}, timeout=10).json()["access_token"]
    s.headers["Authorization"] = f"Bearer {token}"
    folders = s.get(base + "/api/v1/folders", params={"filter.searchText": f"SCIM bench-{v.name}"}, timeout=10)
    folder_id = next(f["id"] for f in folders.json()["records"] if f["folderName"] == f"SCIM bench-{v.name}")
    stub = s.get(base + "/api/v1/secrets/stub", params={"secretTemplateId": 9, "folderId": folder_id}, timeout=10).json()
    for i in range(have, count):
        body = dict(stub, name=f"Endpoint {i:04d}", folderId=folder_id, id=0)
        body["items"] = [dict(item, itemValue={"url": f"https://idp{i}.example.test/scim/v2", "username": "svc",
                                               "password": "Pw-bench-1", "notes": ""}.get(item["slug"], ""))
                         for item in stub["items"]]
        r = s.post(base + "/api/v1/secrets", json=body, timeout=10)
        assert r.status_code == 200, r.text


# --- the run ---------------------------------------------------------------------------------------

def p50(values):
    return statistics.median(values) if values else float("nan")


def measure(variants, emus, args, results) -> None:
    for run in range(args.runs):
        order = variants if run % 2 == 0 else list(reversed(variants))
        for v in order:
            emu = emus[v.name]
            admin = signed_in(v.url, "admin")
            for label, path in [FLOOR, *PAGES]:
                views = page_views(v, emu, admin, path, args.views)
                results.setdefault(("overhead", label), {}).setdefault(v.name, []).append(
                    p50([w - r for w, r, _ in views]))
                results.setdefault(("page", label), {}).setdefault(v.name, []).append(p50([w for w, _, _ in views]))
                results.setdefault(("calls", label), {}).setdefault(v.name, []).append(p50([c for _, _, c in views]))
            for path in ("/history/", "/api/access-requests/"):
                results.setdefault(("throughput", path), {}).setdefault(v.name, []).append(
                    throughput(v, path, admin.cookies, seconds=args.seconds))
        print(f"  run {run + 1}/{args.runs} done", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-ref", default="main")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--views", type=int, default=25)
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each throughput measurement")
    parser.add_argument("--endpoints", default="0,200,1000")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14",
                        help="the baseline's Redis database: flushed before and after the run")
    parser.add_argument("--redis-after", default="redis://127.0.0.1:6379/15",
                        help="this tree's Redis database (not the baseline's): flushed before and after the run")
    parser.add_argument("--db-prefix", default="bench_ui",
                        help="database names are <prefix>_base and <prefix>_after (must start with bench_ui)")
    args = parser.parse_args(argv)
    args.load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    deadline = threading.Timer(DEADLINE_SECONDS, lambda: os.kill(os.getpid(), signal.SIGINT))
    deadline.daemon = True  # must not keep the finished run alive for an hour
    deadline.start()

    tmp = Path(tempfile.mkdtemp(prefix="ui-overhead-"))
    variants = [Variant("base", baseline_tree(args.baseline_ref, tmp / "base"), f"{args.db_prefix}_base",
                        "bench-ui-base"),
                Variant("after", ROOT, f"{args.db_prefix}_after", "bench-ui-after")]
    pg_admin = f"{args.pg}/postgres"
    import redis

    assert args.redis != args.redis_after, "each variant needs its own Redis database"
    redis_urls = {"base": args.redis, "after": args.redis_after}
    for url in redis_urls.values():
        redis.Redis.from_url(url).flushdb()
    results: dict = {}
    signins: dict = {}
    listing: dict = {}
    try:
        for v in variants:
            print(f"starting {v.name} ({v.tree})", flush=True)
            start_variant(v, args.pg, pg_admin, redis_urls[v.name], args.workers)
        emus = {v.name: Emulator(v.emulator_url) for v in variants}
        for v in variants:  # sign-ins on a fresh connector: first-ever, then known
            emu = emus[v.name]
            signins[v.name] = {"administrator, first sign-in": sign_in_calls(v, emu, "admin"),
                               "administrator, known": sign_in_calls(v, emu, "admin"),
                               "auditor, first sign-in": sign_in_calls(v, emu, "carol"),
                               "auditor, known": sign_in_calls(v, emu, "carol")}
        print("measuring pages", flush=True)
        measure(variants, emus, args, results)
        have = {v.name: 0 for v in variants}
        for count in [int(x) for x in args.endpoints.split(",") if x.strip()]:
            for v in variants:
                add_endpoints(v, count, have[v.name])
                have[v.name] = count
            time.sleep(31)  # past the 30-second refresh window: the first open sees the new endpoints
            for v in variants:
                emu, admin = emus[v.name], signed_in(v.url, "admin")
                emu.clear()
                t = time.perf_counter()
                admin.get(v.url + "/settings/endpoints/", timeout=600)
                first_ms, first_calls = (time.perf_counter() - t) * 1000, len(emu.calls())
                views = page_views(v, emu, admin, "/settings/endpoints/",
                                   args.views if v.name == "after" or count <= 200 else 3)
                listing[(count, v.name)] = (first_ms, first_calls, p50([w for w, _, _ in views]),
                                            p50([c for _, _, c in views]))
            print(f"  endpoints: {count} done", flush=True)
    finally:
        for v in variants:
            stop_variant(v, pg_admin)
        shutil.rmtree(tmp, ignore_errors=True)
        for url in redis_urls.values():
            with contextlib.suppress(Exception):
                redis.Redis.from_url(url).flushdb()

    report(args, results, signins, listing)
    return 0


def report(args, results, signins, listing) -> None:
    base, after = "base", "after"
    print(f"\nUI overhead: baseline = {args.baseline_ref}, after = this tree; gunicorn {args.workers} workers, "
          f"PostgreSQL, Redis, DEBUG off; median of {args.runs} runs x p50 of {args.views} views\n")
    print(f"load average of this machine: {args.load_before} at the start, "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end (the floor shows what it costs)\n")
    print(f"{'connector overhead per page (ms, p50)':<40} {'baseline':>9} {'after':>9} {'ratio':>7}  "
          f"{'above floor: base':>17} {'after':>6}  target (after)")
    fb, fa = p50(results[("overhead", FLOOR[0])][base]), p50(results[("overhead", FLOOR[0])][after])
    print(f"  {FLOOR[0]:<38} {fb:9.1f} {fa:9.1f}")
    for label, _ in PAGES:
        b, a = p50(results[("overhead", label)][base]), p50(results[("overhead", label)][after])
        print(f"  {label:<38} {b:9.1f} {a:9.1f} {b / a if a > 0 else float('inf'):6.1f}x  {b - fb:17.1f} "
              f"{a - fa:6.1f}  {'ok' if a <= OVERHEAD_TARGET_MS else 'MISSED'} (<= {OVERHEAD_TARGET_MS:g} ms)")
    print(f"\n{'page time (ms, p50)':<40} {'baseline':>9} {'after':>9}")
    for label, _ in PAGES:
        print(f"  {label:<38} {p50(results[('page', label)][base]):9.1f} {p50(results[('page', label)][after]):9.1f}")
    print(f"\n{'Secret Server calls per page view (p50)':<40} {'baseline':>9} {'after':>9}")
    for label, _ in PAGES:
        print(f"  {label:<38} {p50(results[('calls', label)][base]):9g} {p50(results[('calls', label)][after]):9g}")
    print(f"\n{'Secret Server calls per sign-in':<40} {'baseline':>9} {'after':>9}   (as the person / all)")
    for label in signins[after]:
        b, a = signins[base][label], signins[after][label]
        print(f"  {label:<38} {b[0]:>5}/{b[1]:<3} {a[0]:>5}/{a[1]:<3}")
    print(f"\n{'endpoint list':<22} {'':>7} {'first open':>16} {'later opens p50':>26}")
    print(f"{'endpoints':>10} {'variant':>9} {'ms':>9} {'calls':>7} {'ms':>12} {'calls':>7}   target")
    for (count, name), (first_ms, first_calls, ms, calls) in sorted(listing.items()):
        target = "" if name != after else ("ok" if ms < LIST_TARGET_MS else "MISSED") + f" (< {LIST_TARGET_MS:g} ms)"
        print(f"{count:>10} {name:>9} {first_ms:9.1f} {first_calls:7d} {ms:12.1f} {calls:7g}   {target}")
    print(f"\n{'throughput at concurrency 16 (req/s)':<40} {'baseline':>9} {'after':>9} {'ratio':>7}")
    for path in ("/history/", "/api/access-requests/"):
        b, a = p50(results[("throughput", path)][base]), p50(results[("throughput", path)][after])
        print(f"  {path:<38} {b:9.0f} {a:9.0f} {a / b if b else float('inf'):6.2f}x")


if __name__ == "__main__":
    sys.exit(main())
