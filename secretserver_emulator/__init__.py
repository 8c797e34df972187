"""A fake Delinea Secret Server speaking the REST subset in shared/docs/secretserver-api.md.

Not a Django app and never imports Django: it stands in for a separate system.

In-process (tests)::

    from secretserver_emulator import EmulatorServer
    with EmulatorServer(seed="demo") as ss:      # or seed="/path/seed.json", state_file=...
                                                 # generate={"users": 10_000, "groups": 500} adds
                                                 # user00001.../group0001... (population.py)
        ss.url                 # "http://127.0.0.1:54321" (port 0 -> free port; no trailing slash)
        ss.requests            # [RequestRecord(method, path, query: dict, status, user, fault, at)]; also r["path"]
        ss.clear_requests()
        ss.reset()             # back to the seed: state, clock, faults, tokens, sessions, request log
        ss.advance_clock(3600) # move the emulator's clock (token lifetimes, access windows)
        ss.now()               # the emulator's current UTC time (naive datetime)
        ss.state               # live `State`: .users/.groups/.folders/.secrets/.accessRequests dicts by id,
                               # .folder_by_name(), .secret_by_name(), .secret_items(id),
                               # .user_by_name(), .group_by_name(), .access_requests_list();
                               # hold ss.state.lock to mutate, and use its mutators (add_user, add_member,
                               # ...) or call .reindex() after editing users/groups by hand
        ss.inject_fault(kind="status", status=503, count=1, latency_ms=0, path_prefix="/api/v1/secrets")
        ss.clear_faults()
        ss.expire_password("alice"); ss.lock_user("bob"); ss.unlock_user("erin")
        ss.revoke_tokens("alice")  # or None for everyone's
    EmulatorServer(...).start() / .stop() work too; the server runs in a daemon thread.

Standalone (demo)::

    python -m secretserver_emulator --port 8100 --seed demo [--state-file PATH] [--host 127.0.0.1]
                                    [--users 10000 --groups 500]

What it speaks: shared/docs/secretserver-api.md plus docs/secretserver-api-extensions.md (user and group
administration, folder inheritance, comment/check-out secrets, roles), each UNCONFIRMED point marked.

HTTP controls (JSON, no auth, loopback tool; never called by the connector):
    POST /_emulator/reset
    GET  /_emulator/clock            POST /_emulator/clock {"advanceSeconds": N}
    POST /_emulator/users/{userName}/{expire-password|restore-password|lock|unlock|disable|enable}
    POST /_emulator/tokens/revoke {"userName": optional}
    GET|POST|DELETE /_emulator/faults  POST body {"kind": "latency"|"status"|"drop"|"truncate"|"malformed"|"html",
                                       "status": 500|503, "latencyMs": N, "count": N, "pathPrefix": optional,
                                       "method": optional, e.g. "PUT"}
    GET|DELETE /_emulator/requests   (the request log)
    POST /_emulator/access-requests/{id}/{approve|deny|cancel} {"approver": "admin", "hours": 48, "comment": ...}

The page at `/` lets a user (e.g. admin) sign in, approve/deny pending access
requests with a justification and a window, and lists the seeded users.
"""
from .server import EmulatorServer
from .state import State

__all__ = ["EmulatorServer", "State"]
