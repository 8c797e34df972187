"""Property-based API testing from our own OpenAPI schema (schemathesis, in-process over WSGI).

Every operation of /api/schema/ gets generated requests — valid and invalid by the schema — as a signed-in
administrator of a connector configured on the emulator (so writes really reach Secret Server). The check is
the one this project promises: no 5xx. At least ``MIN_CASES`` (1,000) cases run per run; the runtime stays
well under three minutes (the Hypothesis database is off, examples are derandomised per run seed).
"""
from __future__ import annotations

import time

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from connector.access import Role
from tests.helpers import sign_in_as
from tests.integration.signin.conftest import connector  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

MIN_CASES = 1000
PER_OPERATION = 75  # 14 operations: 1,050 cases
BUDGET_SECONDS = 170


def _session_cookies():
    client = Client()
    sign_in_as(client, "admin", Role.ADMINISTRATOR, ss_user_id=2)
    csrf = _get_new_csrf_string()
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf}, {"X-CSRFToken": csrf}


def test_generated_requests_never_get_a_5xx(ss, connector, settings):  # noqa: F811
    settings.BEARER_REFUSALS_PER_ADDRESS = 10_000  # generated Authorization headers must not trip the throttle
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)
    cookies, headers = _session_cookies()
    server_errors, cases, statuses, started = [], [0], {}, time.monotonic()

    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        @hypothesis_settings(max_examples=PER_OPERATION, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            cases[0] += 1
            # the session is the credential; a generated bearer token would only ever be refused (401)
            case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
            response = case.call(cookies=cookies, headers=headers)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code >= 500:
                server_errors.append(f"{case.method} {case.formatted_path} -> {response.status_code}: "
                                     f"{response.text[:200]!r} (body {str(case.body)[:200]!r}, "
                                     f"query {case.query!r})")

        run()
    elapsed = time.monotonic() - started
    print(f"SCHEMATHESIS {cases[0]} generated cases over {len(operations)} operations in {elapsed:.0f} s: "
          f"{dict(sorted(statuses.items()))}")
    assert not server_errors, f"{len(server_errors)} of {cases[0]} cases got a 5xx:\n" + "\n".join(server_errors[:30])
    assert cases[0] >= MIN_CASES
    assert sum(n for status, n in statuses.items() if status < 300) >= 100  # really signed in, not all refused
    assert elapsed < BUDGET_SECONDS
