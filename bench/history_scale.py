"""Benchmark: the history and audit lists at scale, side by side with Django admin's default changelist.

    python bench/history_scale.py [--audit-rows 1000000] [--requests 100000] [--repeat 5] [--explain]
                                  [--admin-renderer stock|project]

Uses DATABASE_URL if set (a throwaway ``test_<name>`` database is created and dropped, like the test
runner), else a temporary SQLite file. Rows are bulk-loaded on the database's fast path (SQLite: one
transaction of executemany; PostgreSQL: COPY). Audit rows bypass the chain writer, so their synthetic
hashes do not verify; that does not matter for speed. Every page is fetched with the Django test Client over
the real URLconf, signed in as an auditor; the admin pages use a plain ModelAdmin on a throwaway AdminSite,
their forms rendered by Django's own renderer as in a stock project (``--admin-renderer``).
Prints the median server time per scenario and the ratio admin/ours; ``--explain`` also prints the query
plans (SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN ANALYZE) of the history list for the main filters.
"""
from __future__ import annotations

import argparse
import html
import os
import random
import re
import statistics
import sys
import tempfile
import time
import types
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "scimsite.settings_test"

ACTORS = [f"user{i:03d}" for i in range(60)] + ["scim-app", "admin"]
ACTIONS = ["endpoint.create", "endpoint.update", "endpoint.delete", "scim.user.create", "scim.user.update",
           "scim.group.update", "settings.update", "signin.success", "signin.failure", "history.export",
           "audit.export", "token.rotate", "secret.read", "sync.run", "accessrequest.approve"]
OUTCOMES = ["success"] * 8 + ["failure", "denied", "error", "intent"]
TARGETS = ["endpoint", "user", "group", "settings", "access_request"]
STATUSES = ["Pending", "Approved", "Denied", "Canceled", "Expired"]
REQUESTERS = [f"person{i:04d}" for i in range(800)]
REVIEWERS = [f"reviewer{i:02d}" for i in range(25)]
WORDS = ["deploy", "incident", "rotation", "audit", "migration", "on-call", "backup", "release", "review"]
END = datetime(2026, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=730)


def sqlite_time(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def audit_rows(n: int, rnd: random.Random):
    step = SPAN / max(n, 1)
    start = END - SPAN
    for seq in range(1, n + 1):
        t = start + step * seq
        target = rnd.choice(TARGETS)
        before = '{"name": "old"}' if seq % 7 == 0 else None
        after = '{"name": "new", "n": %d}' % seq if seq % 3 == 0 else None
        yield (seq, t, rnd.choice(ACTORS), "10.0.0.%d" % (seq % 250 + 1), f"req-{seq}", rnd.choice(ACTIONS),
               target, str(rnd.randrange(2000)), f"{target} {seq % 2000}", before, after, rnd.choice(OUTCOMES), "",
               f"{seq:064x}", f"{seq + 10**12:064x}", 2)


AUDIT_COLUMNS = ("seq", "time", "actor_name", "source_ip", "request_id", "action", "target_type", "target_id",
                 "target_repr", "before", "after", "outcome", "message", "prev_hash", "row_hash", "hash_version")


def request_rows(n: int, rnd: random.Random):
    step = SPAN / max(n, 1)
    start = END - SPAN
    for i in range(1, n + 1):
        t = start + step * i
        status = rnd.choices(STATUSES, weights=[1, 5, 2, 1, 4])[0]
        reviewed = status in ("Approved", "Denied", "Expired")
        window_start = t + timedelta(minutes=10) if status in ("Approved", "Expired") else None
        window_end = window_start + timedelta(hours=rnd.choice([1, 4, 8, 24 * 400])) if window_start else None
        yield (i, 7, rnd.choice(REQUESTERS), status, t, f"{rnd.choice(WORDS)} ticket {i}",
               rnd.choice(REVIEWERS) if reviewed else "", f"ok for {rnd.choice(WORDS)}" if reviewed else "",
               t + timedelta(minutes=10) if reviewed else None, window_start, window_end, t)


REQUEST_COLUMNS = ("ss_request_id", "secret_id", "requester_name", "status", "requested_at", "comment",
                   "reviewer_name", "justification", "reviewed_at", "window_start", "window_end", "synced_at")
EVENT_COLUMNS = ("request_id", "time", "from_status", "status", "actor_name", "justification", "window_start",
                 "window_end", "recorded_at")


def event_rows(requests):
    for pk, row in enumerate(requests, start=1):
        _, _, requester, status, t, _, reviewer, justification, reviewed_at, ws, we, _ = row
        yield (pk, t, "", "Pending", requester, "", None, None, t)
        if status != "Pending":
            yield (pk, reviewed_at or t + timedelta(minutes=5), "Pending", status, reviewer, justification, ws, we,
                   t)


def load(connection, table, columns, rows, chunk=20000):
    """SQLite: executemany in the caller's transaction. PostgreSQL: COPY."""
    sql_cols = ", ".join(columns)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({sql_cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    marks = ", ".join(["?"] * len(columns))
    raw = connection.connection
    batch = []
    for row in rows:
        batch.append(tuple(sqlite_time(v) if isinstance(v, datetime) else v for v in row))
        if len(batch) >= chunk:
            raw.executemany(f"INSERT INTO {table} ({sql_cols}) VALUES ({marks})", batch)
            batch = []
    if batch:
        raw.executemany(f"INSERT INTO {table} ({sql_cols}) VALUES ({marks})", batch)


def populate(audit_n: int, requests_n: int) -> None:
    from django.db import connection, transaction

    rnd = random.Random(42)
    t0 = time.perf_counter()
    with transaction.atomic():
        load(connection, "connector_auditevent", AUDIT_COLUMNS, audit_rows(audit_n, rnd))
        reqs = list(request_rows(requests_n, rnd))
        load(connection, "accessrequests_accessrequest", REQUEST_COLUMNS, reqs)
        load(connection, "accessrequests_accessrequestevent", EVENT_COLUMNS, event_rows(reqs))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"loaded {audit_n:,} audit rows and {requests_n:,} requests in {time.perf_counter() - t0:.1f} s "
          f"({connection.vendor})", flush=True)


def bench_urlconf():
    """The real URLconf plus Django admin with default settings on a throwaway AdminSite."""
    from django.contrib import admin
    from django.urls import include, path

    from accessrequests.models import AccessRequest
    from connector.models import AuditEvent

    site = admin.AdminSite(name="benchadmin")

    class DefaultAdmin(admin.ModelAdmin):
        show_full_result_count = True

    class RequestAdmin(DefaultAdmin):
        list_filter = ("status",)
        search_fields = ("requester_name",)

    class AuditAdmin(DefaultAdmin):
        list_filter = ("outcome",)
        search_fields = ("actor_name",)

    site.register(AccessRequest, RequestAdmin)
    site.register(AuditEvent, AuditAdmin)
    module = types.ModuleType("bench_urls")
    module.urlpatterns = [path("bench-admin/", site.urls), path("", include("scimsite.urls"))]
    sys.modules["bench_urls"] = module
    return "bench_urls"


def stock_rendering_client():
    """A test Client whose requests render forms with Django's own renderer, whatever this project's
    FORM_RENDERER is: the comparison is with the stock admin changelist (issue 10). The project's renderer
    (connector/fast_forms.py) also builds the changelist's 100 row checkboxes in Python, which made the admin
    about 40 % faster in this process and moved the yardstick; ``--admin-renderer project`` measures that.
    On SQLite its requests also read datetimes through Django's own converter, not the project backend's
    cheaper one (scimsite/db/sqlite3/base.py)."""
    import django.forms.forms
    import django.forms.formsets
    import django.forms.utils
    import django.forms.widgets
    from django.forms.renderers import DjangoTemplates
    from django.test import Client

    from django.db import connection

    stock = DjangoTemplates()
    modules = [django.forms.widgets, django.forms.forms, django.forms.formsets, django.forms.utils]
    ops_class = type(connection.ops)
    stock_converters = None
    if connection.vendor == "sqlite":
        from django.db.backends.sqlite3.operations import DatabaseOperations

        stock_converters = DatabaseOperations.get_db_converters

    class StockRenderingClient(Client):
        def request(self, **request):
            saved = [(module, module.get_default_renderer) for module in modules]
            for module, _ in saved:
                module.get_default_renderer = lambda: stock
            project_converters = ops_class.__dict__.get("get_db_converters")
            if stock_converters is not None:
                ops_class.get_db_converters = stock_converters
            try:
                return super().request(**request)
            finally:
                for module, original in saved:
                    module.get_default_renderer = original
                if stock_converters is not None:
                    ops_class.get_db_converters = project_converters

    return StockRenderingClient()


def timed(client, url, repeat):
    client.get(url)  # warm up (caches, prepared plans)
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            for _chunk in response.streaming_content:
                pass
        samples.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples)


def timed_pair(client_a, url_a, client_b, url_b, repeat):
    """Medians of ``repeat`` alternating requests to a and b (after one warm-up each)."""
    samples_a, samples_b = [], []
    client_a.get(url_a)
    client_b.get(url_b)
    for _ in range(repeat):
        for client, url, samples in ((client_a, url_a, samples_a), (client_b, url_b, samples_b)):
            t = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples_a), statistics.median(samples_b)


NEXT_LINK = re.compile(r'href="([^"]+)" rel="next"')


def follow(client, url, times):
    """The URL of the page reached by following "Older" ``times`` times (read from the HTML, like a browser)."""
    response = client.get(url)
    for _ in range(times):
        match = NEXT_LINK.search(response.content.decode())
        if not match:
            break
        url = url.split("?")[0] + html.unescape(match.group(1))
        response = client.get(url)
    return url


def near_end_cursor(keyset, model, order_name, offset=60):
    order = keyset.order(order_name)
    row = model.objects.order_by(*order.reverse_order_by)[offset]
    return keyset._cursor(order, row, "n")


EXPLAIN_CASES = [
    ("status + date range", {"status": "Denied", "requested_after": "2025-06-01",
                             "requested_before": "2025-06-30"}),
    ("requester", {"requester": "person0001"}),
    ("requester, other case", {"requester": "Person0001"}),
    ("reviewer", {"reviewer": "reviewer03"}),
    ("reviewer, other case", {"reviewer": "REVIEWER03"}),
    ("search q=person01 (common prefix)", {"q": "person01"}),
    ("search q=zzz (no match)", {"q": "zzz"}),
    ("search q=deploy (very common word)", {"q": "deploy"}),
    ("search q=incident + status=Approved", {"q": "incident", "status": "Approved"}),
]


def explain_history() -> None:
    """Print the plan of the first history page's query for each of EXPLAIN_CASES."""
    from django.db import connection

    from accessrequests.selectors import HISTORY_KEYSET, access_request_filterset

    order = HISTORY_KEYSET.order(None)
    for name, params in EXPLAIN_CASES:
        qs = access_request_filterset(params).qs.order_by(*order.order_by)[: HISTORY_KEYSET.per_page + 1]
        plan = qs.explain(analyze=True) if connection.vendor == "postgresql" else qs.explain()
        print(f"\n--- EXPLAIN history: {name} {params}\n{plan}", flush=True)


def run(args) -> list[tuple[str, float, float | None]]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings

    from accessrequests.models import AccessRequest
    from accessrequests.selectors import HISTORY_KEYSET
    from connector.access import Role
    from connector.models import AuditEvent
    from connector.selectors.audit import AUDIT_KEYSET
    from tests.helpers import sign_in_as

    populate(args.audit_rows, args.requests)
    if args.explain:
        explain_history()
    settings.CONNECTOR_SETUP_REDIRECT = False
    results = []
    with override_settings(ROOT_URLCONF=bench_urlconf(), DEBUG=False):
        ours = Client()
        sign_in_as(ours, "auditor", Role.AUDITOR)
        adm = stock_rendering_client() if args.admin_renderer == "stock" else Client()
        su = get_user_model().objects.create_superuser("benchroot", "root@example.com", "x")
        adm.force_login(su)
        r = args.repeat

        req_count = AccessRequest.objects.count()
        audit_count = AuditEvent.objects.count()
        ar_deep_p = max((req_count + 99) // 100 - 1, 1)  # admin pages hold 100 rows, numbered from 1
        au_deep_p = max((audit_count + 99) // 100 - 1, 1)
        h, a = "/history/", "/audit/"
        sample_requester = AccessRequest.objects.order_by("id").values_list("requester_name", flat=True).first()
        sample_actor = "user007"
        month = "requested_after=2025-06-01&requested_before=2025-06-30"

        def add(name, url, admin_url=None):
            if admin_url:  # interleaved, request by request: both sides see the same machine load
                ms, admin_ms = timed_pair(ours, url, adm, admin_url, r)
            else:
                ms, admin_ms = timed(ours, url, r), None
            results.append((name, ms, admin_ms))
            print(f"  {name:<44} {ms:8.1f} ms" + (f"   admin {admin_ms:8.1f} ms" if admin_ms else ""), flush=True)

        ar_admin = "/bench-admin/accessrequests/accessrequest/"
        au_admin = "/bench-admin/connector/auditevent/"
        add("history: first page", h, ar_admin)
        add("history: status=Approved", h + "?status=Approved", ar_admin + "?status__exact=Approved")
        add("history: requester filter", h + f"?requester={sample_requester}")
        add("history: reviewer filter", h + "?reviewer=reviewer03")
        add("history: requester filter, other case", h + f"?requester={sample_requester.upper()}")
        add("history: reviewer filter, other case", h + "?reviewer=REVIEWER03")
        add("history: date range (one month)", h + "?" + month)
        add("history: status + date range", h + "?status=Denied&" + month)
        add("history: search q=person01 (prefix, common)", h + "?q=person01", ar_admin + "?q=person01")
        add("history: search q=zzz (no match)", h + "?q=zzz", ar_admin + "?q=zzz")
        add("history: search q=ticket (every row matches)", h + "?q=ticket")
        add("history: search q=p (one-letter prefix)", h + "?q=p")
        add("history: search q=deploy + status=Denied", h + "?q=deploy&status=Denied")
        add("history: search q=person01, page 2", follow(ours, h + "?q=person01", 1))
        add("history: sort=requester", h + "?sort=requester")
        add("history: deep page (cursor followed 50x)", follow(ours, h, 50), ar_admin + f"?p={min(26, ar_deep_p)}")
        cursor = near_end_cursor(HISTORY_KEYSET, AccessRequest, None)
        add("history: deep page (cursor near the end)", h + "?cursor=" + cursor, ar_admin + f"?p={ar_deep_p}")
        cursor = near_end_cursor(HISTORY_KEYSET, AccessRequest, "requester")
        add("history: sort=requester, near the end", h + "?sort=requester&cursor=" + cursor)
        add("history: detail with timeline", f"/history/{req_count // 2}/")
        add("history: dashboard", "/history/dashboard/")
        add("history API: first page", "/api/access-requests/")
        add("history API: status + requester", f"/api/access-requests/?status=Approved&requester={sample_requester}")

        add("audit: first page", a, au_admin)
        add("audit: actor filter", a + f"?actor={sample_actor}", au_admin + f"?q={sample_actor}")
        add("audit: action filter", a + "?action=token.rotate")
        add("audit: outcome=error", a + "?outcome=error", au_admin + "?outcome__exact=error")
        add("audit: target type + id", a + "?target_type=endpoint&target_id=17")
        add("audit: date range (one day)", a + "?time_after=2025-06-01&time_before=2025-06-01")
        add("audit: actor + outcome + date range", a + f"?actor={sample_actor}&outcome=failure&time_after=2025-01-01"
            "&time_before=2025-03-31")
        add("audit: deep page (cursor followed 50x)", follow(ours, a, 50), au_admin + f"?p={min(26, au_deep_p)}")
        cursor = near_end_cursor(AUDIT_KEYSET, AuditEvent, None)
        add("audit: deep page (cursor near the end)", a + "?cursor=" + cursor, au_admin + f"?p={au_deep_p}")
        add("audit: detail with diff", f"/audit/{audit_count // 2 // 21 * 21}/")
        add("audit API: first page", "/api/connector/audit-events/")
        add("audit API: actor + outcome", f"/api/connector/audit-events/?actor={sample_actor}&outcome=failure")
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audit-rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--admin-renderer", choices=["stock", "project"], default="stock",
                        help="Forms on the admin pages rendered by Django's own renderer (stock, the default) or by "
                             "this project's FORM_RENDERER.")
    parser.add_argument("--explain", action="store_true",
                        help="Also print the query plans of the history list for the main filters.")
    parser.add_argument("--fail-over", type=float, default=None, metavar="MS",
                        help="Exit 1 when any of our pages has a median above MS milliseconds.")
    args = parser.parse_args(argv)
    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())

    tmp = None
    if not os.environ.get("DATABASE_URL"):
        tmp = tempfile.mkdtemp(prefix="history-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.test.utils import setup_databases, teardown_databases

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db.setdefault("TEST", {})["NAME"] = db["NAME"]  # a real file, not :memory:
    else:  # never the test suite's test_<name> database, which may be in use
        db.setdefault("TEST", {})["NAME"] = f"history_bench_{os.getpid()}"
    # No setup_test_environment(): its template instrumentation (context copies for assertions) would be
    # counted as server time. The test Client only needs "testserver" to be an allowed host.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    old = setup_databases(verbosity=0, interactive=False, keepdb=False)
    cache.clear()
    try:
        results = run(args)
    finally:
        teardown_databases(old, verbosity=0)
        if tmp:
            for f in Path(tmp).glob("*"):
                f.unlink()
            os.rmdir(tmp)

    print(f"\nadmin pages' forms rendered by: {'Django (stock)' if args.admin_renderer == 'stock' else 'FORM_RENDERER'}")
    print(f"load average of this machine: {load_before} at the start, "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end ({settings.DATABASES['default']['ENGINE']})")
    print(f"{'scenario':<46} {'ours ms':>9} {'admin ms':>9} {'admin/ours':>10}")
    for name, ms, admin_ms in results:
        ratio = f"{admin_ms / ms:9.1f}x" if admin_ms else ""
        print(f"{name:<46} {ms:9.1f} {admin_ms if admin_ms else '':>9} {ratio:>10}".replace(
            f"{admin_ms if admin_ms else '':>9}", f"{admin_ms:9.1f}" if admin_ms else " " * 9))
    compared = [(name, admin_ms / ms) for name, ms, admin_ms in results if admin_ms]
    at_goal = [name for name, ratio in compared if ratio >= 10]
    print(f"\nadmin/ours >= 10x on {len(at_goal)} of {len(compared)} compared scenarios; "
          f"lowest {min(r for _, r in compared):.1f}x, median {statistics.median(r for _, r in compared):.1f}x")
    worst = max(results, key=lambda x: x[1])
    print(f"\nslowest of ours: {worst[0]} at {worst[1]:.1f} ms (target < 100 ms)")
    return 1 if args.fail_over is not None and worst[1] > args.fail_over else 0


if __name__ == "__main__":
    sys.exit(main())
