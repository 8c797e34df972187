"""`make demo`: the Secret Server emulator plus the connector, configured against it, on one terminal.

Starts the emulator (state kept in var/emulator-state.json so a demo survives a restart), migrates,
configures the connector with the demo application account, serves http://127.0.0.1:8000 and prints
who to sign in as. Ctrl-C stops both processes.
"""
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EMULATOR_PORT = int(os.environ.get("EMULATOR_PORT", "8100"))
CONNECTOR_PORT = int(os.environ.get("CONNECTOR_PORT", "8000"))
EMULATOR_URL = f"http://127.0.0.1:{EMULATOR_PORT}"

DEMO_ENV = {
    "DEBUG": "true",
    "SECRET_KEY": "demo-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "AUDIT_HMAC_KEY": "demo-only-audit-key",
    "CONNECTOR_ENCRYPTION_KEY": "demo-only-encryption-key",
    "SESSION_COOKIE_SECURE": "false",
    "SECRET_SERVER_URL": EMULATOR_URL,
    "SECRET_SERVER_ALLOW_HTTP": "true",
    "CONNECTOR_HOSTNAME": os.environ.get("CONNECTOR_HOSTNAME", "demo"),
    # runserver logs every request; the demo keeps only errors there (refusals are logged by django.request),
    # so the cast stays readable.
    "RUNSERVER_LOG_LEVEL": "ERROR",
}
STATE_FILE = ROOT / "var" / "emulator-state.json"
DATABASE_FILE = ROOT / "var" / "db.sqlite3"


def cast_text() -> str:
    return CAST.format(cport=CONNECTOR_PORT, eurl=EMULATOR_URL, state=STATE_FILE.relative_to(ROOT),
                       db=DATABASE_FILE.relative_to(ROOT))

CAST = """
The connector is ready: http://127.0.0.1:{cport}/   (Secret Server emulator: {eurl}/)

Sign in to the connector as (everyone is in docs/cast.md):
  admin  / Admin-Passw0rd!   the administrator: owns the SCIMSecret and approves requests. Shows Home,
                             Messages (live events), Settings (Secret Server, SCIM Connector Endpoints,
                             Configuration Settings), the audit trail and the API docs.
  alice  / Alice-Passw0rd!   a user who needs approval: signing in files an access request
                             ("Request sent and approval pending."); once approved she is
                             "Administrator (temporary)" with the end of her window in the header.
  bob    / Bob-Passw0rd!     a second requester (e.g. deny his request, or share the SCIMSecret with him on
                             the emulator's page: View/Edit still need approval, Owner does not).
  carol  / Carol-Passw0rd!   an auditor (group "SCIM Auditors"): read-only request history, dashboard,
                             audit trail and CSV exports.
  dave   / Dave-Passw0rd!    a user whose Secret Server password has expired: shows
                             "Secret Server password has expired. Please login to Secret Server ..."
  erin   / Erin-Passw0rd!    locked out in Secret Server: "Incorrect username or password." (indistinguishable)
  frank  / Frank-Passw0rd!   disabled in Secret Server: "Incorrect username or password." (indistinguishable)
Directory users (domain CORP, no local password; SCIM lists them but refuses writes): grace.hopper,
  alan.turing (disabled); their synced group "CORP Engineers" carries the Auditor role.
Application accounts (for Settings > Secret Server): scim-app / App-Passw0rd! (the connector's own),
  limited-app / Limited-Passw0rd! (lacks Create Root Folders: "Application account is missing a required
  permission.").

Approve alice's request as the approver: open {eurl}/ , sign in there as admin / Admin-Passw0rd!,
write a justification and press Approve (window: 48 hours), then sign in to the connector as alice again.
To end her window early, move the emulator's clock 3 days on (and back with -259200):
  curl -X POST -H 'Content-Type: application/json' -d '{{"advanceSeconds": 259200}}' {eurl}/_emulator/clock
(the connector re-checks access within a minute; the clock offset is kept in the state file).

Reset the demo: press Ctrl-C, delete {state} (the emulator's users, secrets, requests and clock) and
{db} (the connector's database), then run make demo again.
runserver's line per request is off here; refusals (one line each) and errors are still logged.
Press Ctrl-C to stop both.
"""


def wait_for(url, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except Exception:
            time.sleep(0.3)
    return False


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def port_in_use(port):
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def main():
    env = {**os.environ, **DEMO_ENV}
    env.setdefault("DJANGO_SETTINGS_MODULE", "scimsite.settings")
    (ROOT / "var").mkdir(exist_ok=True)
    py = sys.executable
    for port in (EMULATOR_PORT, CONNECTOR_PORT):
        if port_in_use(port):
            sys.exit(f"Port {port} is already in use (is a demo already running?). "
                     "Stop it, or set EMULATOR_PORT / CONNECTOR_PORT.")
    procs = []

    def stop(*_):
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()

    # Children run in their own process groups: Ctrl-C reaches only this launcher, which stops them in order.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        emulator = subprocess.Popen(
            [py, "-m", "secretserver_emulator", "--port", str(EMULATOR_PORT), "--seed", "demo",
             "--state-file", str(STATE_FILE)],
            cwd=ROOT, env=env, start_new_session=True,
        )
        procs.append(emulator)
        if not wait_for(f"{EMULATOR_URL}/api/v1/healthcheck"):
            sys.exit(f"The Secret Server emulator did not start on {EMULATOR_URL}.")
        subprocess.run([py, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        if (ROOT / "connector" / "management" / "commands" / "configure_secretserver.py").exists():
            subprocess.run(
                [py, "manage.py", "configure_secretserver", "--demo", "--url", EMULATOR_URL, "--allow-http",
                 "--admin-username", "admin", "--app-username", "scim-app", "--password-stdin"],
                cwd=ROOT, env=env, check=True, input="Admin-Passw0rd!\nApp-Passw0rd!\n", text=True,
            )
        server = subprocess.Popen(
            [py, "manage.py", "runserver", "--noreload", f"127.0.0.1:{CONNECTOR_PORT}"], cwd=ROOT, env=env,
            start_new_session=True,
        )
        procs.append(server)
        if wait_for(f"http://127.0.0.1:{CONNECTOR_PORT}/admin/login/"):
            print(cast_text(), flush=True)
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
        sys.exit("A demo process stopped unexpectedly.")
    except KeyboardInterrupt:
        print("\nStopping the connector and the emulator…")
        print(f"(Both keep their state: {STATE_FILE.relative_to(ROOT)} and {DATABASE_FILE.relative_to(ROOT)}; "
              "delete both to start the demo afresh.)")
    finally:
        stop()


if __name__ == "__main__":
    main()
