"""Round trips to Secret Server: the cached application token versus a token per call, and a sign-in check.

Run from the repository root:  python bench/secretserver_roundtrips.py [--calls 1000] [--procs 4]

Starts the Secret Server emulator in-process, seeds a SCIMSecret, then has N processes (multiprocessing,
sharing the Redis cache given by CACHE_URL, default redis://127.0.0.1:6379/14) make the client calls and
counts what reached the emulator (its request log), by kind. The baseline, in the same run, is a naive
client that takes a fresh password grant for every call. Last, one person's sign-in check is counted.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scimsite.settings_test")
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/14")
# The connector's own sign-in service needs a database: a throwaway SQLite file for this run.
_BENCH_DB = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"scim-roundtrips-{os.getpid()}.sqlite3")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_BENCH_DB}")

APP = ("scim-app", "App-Passw0rd!")
ADMIN = ("admin", "Admin-Passw0rd!")


def _setup_django():
    import django

    django.setup()


def worker(kind: str, url: str, secret_id: int, calls: int, start_at: float, out) -> None:
    _setup_django()
    from connector.secretserver import SecretServerClient

    while time.time() < start_at:  # start together, so the token race is real
        time.sleep(0.005)
    t0 = time.monotonic()
    if kind == "cached":
        client = SecretServerClient.for_application_account(url, *APP, timeout=10, retries=2)
        for i in range(calls):
            client.get_secret(secret_id) if i % 2 == 0 else client.current_user()
    else:  # naive: a password grant before every call
        anon = SecretServerClient(url, timeout=10, retries=0)
        for i in range(calls):
            token = anon.password_grant(*APP).access_token
            client = SecretServerClient(url, access_token=token, timeout=10, retries=0)
            client.get_secret(secret_id) if i % 2 == 0 else client.current_user()
    out.put(time.monotonic() - t0)


def seed_scim_secret(url: str) -> int:
    from connector.secretserver import SecretServerClient

    admin = SecretServerClient(url, access_token=SecretServerClient(url).password_grant(*ADMIN).access_token)
    folder = admin.create_folder("SCIM benchhost")
    secret = admin.create_secret(admin.secret_stub(9, folder.id), name="SCIMSecret benchhost",
                                 fields={"url": url, "username": APP[0], "password": APP[1]})
    app_id = next(u.id for u in admin.search_users(APP[0]) if u.user_name == APP[0])
    admin.create_secret_permission(secret.id, "Owner", user_id=app_id)
    everyone = next(g for g in admin.search_groups("Everyone") if g.name == "Everyone")
    admin.create_secret_permission(secret.id, "View", group_id=everyone.id)
    me = admin.current_user()
    admin.set_security_approval(secret.id, "RequireEditorsApproval", [admin.get_user(me.id).personal_group_id])
    return secret.id


def count(server) -> tuple[int, int]:
    reqs = server.requests
    grants = sum(1 for r in reqs if r.path.lower().rstrip("/") == "/oauth2/token")
    return grants, len(reqs) - grants


def run_phase(kind, server, secret_id, calls, procs):
    server.clear_requests()
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    per = [calls // procs + (1 if i < calls % procs else 0) for i in range(procs)]
    start_at = time.time() + 2.0  # spawn + django.setup take a moment
    ps = [ctx.Process(target=worker, args=(kind, server.url, secret_id, n, start_at, out)) for n in per]
    for p in ps:
        p.start()
    times = [out.get(timeout=120) for _ in ps]
    for p in ps:
        p.join(timeout=30)
        if p.exitcode != 0:
            raise SystemExit(f"{kind} worker failed with exit code {p.exitcode}")
    grants, api = count(server)
    return grants, api, max(times)


def sign_in_check(server, secret_id, user_name, password):
    """A person's sign-in: password grant, state probe of the SCIMSecret, and only if needed the groups."""
    from connector.secretserver import SecretServerClient

    server.clear_requests()
    grant = SecretServerClient(server.url, retries=0).password_grant(user_name, password)
    person = SecretServerClient(server.url, access_token=grant.access_token)
    state = person.secret_state(secret_id)
    if state.accessible:
        verdict = "administrator"
    else:
        me = person.current_user()
        groups = {m.group_name for m in person.user_groups(me.id)}
        verdict = "auditor" if "SCIM Auditors" in groups else (
            "neither (may request access)" if state.requires_approval else "neither")
    grants, api = count(server)
    return verdict, grants, api


def connector_signin_checks(server) -> list[tuple[str, str, int, int]]:
    """The connector's real sign-in service (connector.services.signin.signin_check), set up for real.

    Counts only what the person's check sends: the application account's settings read is warmed first
    (it is cached for 30 s and shared by every sign-in).
    """
    from django.core.management import call_command
    from django.test import RequestFactory

    from connector.services.configuration_service import settings_current
    from connector.services.setup import secretserver_setup
    from connector.services.signin import signin_check

    call_command("migrate", verbosity=0)
    from django.conf import settings

    settings.SECRET_SERVER_ALLOW_HTTP = True
    secretserver_setup(url=server.url, admin_username="admin", admin_password=ADMIN[1],
                       app_username=APP[0], app_password=APP[1], allow_http=True)
    settings_current()
    rows = []
    for user, password in (ADMIN, ("carol", "Carol-Passw0rd!"), ("alice", "Alice-Passw0rd!"),
                           ("alice", "Alice-Passw0rd!")):
        server.clear_requests()
        request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="127.0.0.1")
        outcome = signin_check(username=user, password=password, request=request)
        grants, api = count(server)
        label = outcome.kind if not outcome.access else f"{outcome.kind}: {outcome.access.role}"
        rows.append((user, label, grants, api))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--procs", type=int, default=4)
    args = parser.parse_args()
    t_start = time.monotonic()
    _setup_django()
    from django.core.cache import caches

    from connector.secretserver import token_cache_key
    from secretserver_emulator import EmulatorServer

    with EmulatorServer(seed="demo") as server:
        secret_id = seed_scim_secret(server.url)
        caches["default"].delete(token_cache_key(server.url, APP[0], None))
        cached = run_phase("cached", server, secret_id, args.calls, args.procs)
        naive = run_phase("naive", server, secret_id, args.calls, args.procs)
        admin = sign_in_check(server, secret_id, *ADMIN)
        carol = sign_in_check(server, secret_id, "carol", "Carol-Passw0rd!")
        alice = sign_in_check(server, secret_id, "alice", "Alice-Passw0rd!")
        caches["default"].delete(token_cache_key(server.url, APP[0], None))
        try:
            connector_rows = connector_signin_checks(server)
        finally:
            caches["default"].clear()
            if os.path.exists(_BENCH_DB):
                os.unlink(_BENCH_DB)

    backend = caches["default"].__class__.__name__
    print(f"\nSecret Server round trips — {args.calls} client calls from {args.procs} processes, cache {backend}")
    print(f"{'scenario':<34}{'calls':>7}{'grants':>8}{'API':>7}{'HTTP':>7}{'wall s':>8}")
    for name, (g, a, t) in (("cached app token (shared cache)", cached), ("naive: token per call", naive)):
        print(f"{name:<34}{args.calls:>7}{g:>8}{a:>7}{g + a:>7}{t:>8.2f}")
    c_http, n_http = sum(cached[:2]), sum(naive[:2])
    print(f"{'ratio naive / cached (HTTP calls)':<34}{n_http / c_http:>37.2f}x")
    print(f"{'ratio naive / cached (token grants)':<34}{naive[0] / max(1, cached[0]):>37.0f}x")
    print(f"\n{'sign-in check (person)':<34}{'verdict':<30}{'grants':>7}{'API':>5}{'total':>7}")
    for user, (verdict, g, a) in (("admin", admin), ("carol", carol), ("alice", alice)):
        print(f"{user:<34}{verdict:<30}{g:>7}{a:>5}{g + a:>7}")
    print(f"\n{'connector signin_check (service)':<34}{'outcome':<30}{'grants':>7}{'API':>5}{'total':>7}")
    for user, label, g, a in connector_rows:
        print(f"{user:<34}{label:<30}{g:>7}{a:>5}{g + a:>7}")
    print(f"\ntotal bench time {time.monotonic() - t_start:.1f} s")


if __name__ == "__main__":
    main()
