"""Several processes (like gunicorn workers) writing to one SQLite file, and verify_audit's exit code.

PostgreSQL concurrency is covered by tests/unit/audit/test_audit_concurrency.py (threads, own connections).
"""
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PROCESSES = 8
WRITES = 10

WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import django
    django.setup()
    from connector.services.audit import audit_record, audit_run
    gate, name = Path(sys.argv[1]), sys.argv[2]
    (gate.parent / ("ready-" + name)).touch()
    while not gate.exists():  # all writers start together
        time.sleep(0.01)
    with audit_run(name):
        for i in range({writes}):
            audit_record(action="test.process", outcome="success", actor_name=name, target_id=i)
""").format(writes=WRITES)


def _env(db_path):
    env = dict(os.environ)
    env.update(DJANGO_SETTINGS_MODULE="scimsite.settings_test", DATABASE_URL=f"sqlite:///{db_path}",
               CACHE_URL="locmemcache://audit-processes")
    return env


def _manage(env, *args):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "sqlite").split(":")[0] not in ("sqlite", ""),
                    reason="a SQLite-file scenario; the PostgreSQL run covers concurrency with threads")
def test_concurrent_processes_leave_a_valid_chain_and_verify_audit_exits_non_zero_on_tampering(tmp_path):
    env = _env(tmp_path / "audit.sqlite3")
    assert _manage(env, "migrate", "-v0").returncode == 0

    gate = tmp_path / "go"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(gate), f"worker{n}"], cwd=ROOT, env=env,
                                stderr=subprocess.PIPE, text=True) for n in range(PROCESSES)]
    deadline = time.time() + 60
    while len(list(tmp_path.glob("ready-*"))) < PROCESSES and time.time() < deadline:
        time.sleep(0.02)
    gate.touch()
    for writer in writers:
        _, stderr = writer.communicate(timeout=120)
        assert writer.returncode == 0, stderr

    ok = _manage(env, "verify_audit")
    assert ok.returncode == 0, ok.stderr
    assert f"OK: {PROCESSES * WRITES} rows verified (seq 1..{PROCESSES * WRITES})" in ok.stdout
    anchor = ok.stdout.split("anchor: ")[1].strip()

    import sqlite3

    with sqlite3.connect(tmp_path / "audit.sqlite3") as db:  # an attacker with the file
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("UPDATE connector_auditevent SET actor_name = 'mallory' WHERE seq = 17")
        db.execute("INSERT INTO connector_auditmaintenance (id) VALUES (1)")
        db.execute("DELETE FROM connector_auditevent WHERE seq = :last", {"last": PROCESSES * WRITES})
        db.execute("DELETE FROM connector_auditmaintenance")

    bad = _manage(env, "verify_audit", "--anchor", anchor)  # a shorter chain, but not the anchored one
    assert bad.returncode != 0
    assert f"BAD at seq {PROCESSES * WRITES}: tail deleted" in bad.stderr
