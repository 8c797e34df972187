"""configure_secretserver (stdin, file, idempotent, failures) and sync_connector (repairs the mirrors)."""
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from connector.models import AuditEvent, ConnectorBootstrap, FolderMirror, SettingsMirror
from tests.conftest import DEMO_PASSWORDS

pytestmark = pytest.mark.django_db
PASSWORDS = f"{DEMO_PASSWORDS['admin']}\n{DEMO_PASSWORDS['scim-app']}\n"


def _configure(ss, monkeypatch, stdin=PASSWORDS, *extra):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command("configure_secretserver", "--url", ss.url, "--admin-username", "admin", "--app-username",
                 "scim-app", "--allow-http", "--password-stdin", *extra, stdout=out)
    return out.getvalue()


def test_it_configures_from_stdin_and_is_idempotent(ss, monkeypatch):
    first = _configure(ss, monkeypatch)
    bootstrap = ConnectorBootstrap.objects.get()
    assert "Connection Successful" in first and f"SCIM folder id: {bootstrap.folder_id}" in first
    assert f"SCIMSecret id: {bootstrap.scim_secret_id}" in first
    second = _configure(ss, monkeypatch)
    assert "reused" in second
    assert sum(s["name"] == "SCIMSecret testhost" for s in ss.state.secrets.values()) == 1
    demo = _configure(ss, monkeypatch, PASSWORDS, "--demo")
    assert "already configured" in demo
    assert ConnectorBootstrap.objects.get().scim_secret_id == bootstrap.scim_secret_id


def test_it_reads_a_password_file(ss, tmp_path):
    path = tmp_path / "pw"
    path.write_text(PASSWORDS)
    out = io.StringIO()
    call_command("configure_secretserver", "--url", ss.url, "--admin-username", "admin", "--app-username",
                 "scim-app", "--password-file", str(path), stdout=out)
    assert "Connection Successful" in out.getvalue()


def test_a_bad_password_fails_with_a_clear_message_and_nothing_saved(ss, monkeypatch):
    with pytest.raises(CommandError, match="Invalid application account."):
        _configure(ss, monkeypatch, f"{DEMO_PASSWORDS['admin']}\nwrong\n")
    assert not ConnectorBootstrap.objects.exists()
    with pytest.raises(CommandError, match="Password required"):
        _configure(ss, monkeypatch, f"{DEMO_PASSWORDS['admin']}\n")


def test_the_command_exits_non_zero(ss, tmp_path):
    import subprocess
    import sys

    from django.conf import settings

    path = tmp_path / "pw"
    path.write_text(f"{DEMO_PASSWORDS['admin']}\nwrong\n")
    env = {"DJANGO_SETTINGS_MODULE": "scimsite.settings_test", "SECRET_SERVER_ALLOW_HTTP": "true",
           "SECRET_SERVER_URL": ss.url,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=settings.BASE_DIR, env=env, check=True)
    done = subprocess.run([sys.executable, "manage.py", "configure_secretserver", "--url", ss.url,
                           "--admin-username", "admin", "--app-username", "scim-app", "--password-file", str(path)],
                          cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)
    assert done.returncode != 0 and "Invalid application account." in done.stderr
    assert "wrong" not in done.stderr + done.stdout


def test_sync_repairs_mirrors_deleted_or_changed_locally(ss, configured):
    SettingsMirror.objects.all().delete()
    FolderMirror.objects.update(name="tampered", active=False)
    out = io.StringIO()
    call_command("sync_connector", "--no-progress", stdout=out)
    notes = json.loads(ss.state.secret_items(configured.secret_id)["notes"])
    mirror = SettingsMirror.objects.get()
    assert (mirror.settings, mirror.revision) == (notes["settings"], notes["revision"])
    folder = FolderMirror.objects.get(ss_folder_id=configured.folder_id)
    assert folder.name == "SCIM testhost" and folder.active
    assert "Sync complete." in out.getvalue()


def test_sync_reports_a_failing_step_and_still_runs_the_others(ss, configured):
    from connector.services import sync

    def broken(client, bootstrap, progress):
        raise RuntimeError("boom")

    sync.SYNC_STEPS.insert(0, broken)  # in place: steps other modules register meanwhile are kept
    SettingsMirror.objects.all().delete()
    try:
        with pytest.raises(CommandError):
            call_command("sync_connector", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    finally:
        sync.SYNC_STEPS.remove(broken)
    assert SettingsMirror.objects.exists()
    assert not AuditEvent.objects.filter(message__contains=DEMO_PASSWORDS["scim-app"]).exists()
