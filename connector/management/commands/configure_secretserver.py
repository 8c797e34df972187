"""Set the connector up without the web form (automation, ``make demo``). Passwords never on the command line."""
from __future__ import annotations

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from connector.services.audit import AuditWriteError, audit_run
from connector.services.connection import bootstrap_get
from connector.services.setup import (
    CONNECTION_SUCCESSFUL,
    SHARE_AS_OWNER,
    SetupError,
    secretserver_setup,
    setup_status,
)


class Command(BaseCommand):
    help = ("Validate a Secret Server administrator and the application account, create (or reuse) the SCIM "
            "folder and SCIMSecret, and save the connection. Reads two lines, the administrator's password "
            "then the application account's, from standard input (--password-stdin) or a file (--password-file).")

    def add_arguments(self, parser):
        parser.add_argument("--url", required=True, help="Secret Server URL.")
        parser.add_argument("--admin-username", required=True)
        parser.add_argument("--admin-domain", default="")
        parser.add_argument("--app-username", required=True)
        parser.add_argument("--app-domain", default="")
        parser.add_argument("--site-id", type=int, default=None)
        parser.add_argument("--allow-http", action="store_true",
                            help="Accept an http:// Secret Server URL (demo and tests only).")
        parser.add_argument("--demo", action="store_true",
                            help="If already configured against this URL, only verify and print.")
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--password-stdin", action="store_true")
        source.add_argument("--password-file")

    def _passwords(self, options) -> tuple[str, str]:
        if options["password_stdin"]:
            lines = [sys.stdin.readline(), sys.stdin.readline()]
        else:
            try:
                with open(options["password_file"], encoding="utf-8") as handle:
                    lines = [handle.readline(), handle.readline()]
            except OSError as exc:
                raise CommandError(f"Cannot read the password file: {exc.strerror}.") from None
        admin_password, app_password = (line.rstrip("\r\n") for line in lines)
        if not admin_password or not app_password:
            raise CommandError("Password required: give two lines, the administrator's password, then the "
                               "application account's.")
        return admin_password, app_password

    def handle(self, *args, **options):
        url = options["url"].strip().rstrip("/")
        allow_http = bool(options["allow_http"] or settings.SECRET_SERVER_ALLOW_HTTP)
        admin_password, app_password = self._passwords(options)
        bootstrap = bootstrap_get()
        if options["demo"] and bootstrap and bootstrap.is_complete and bootstrap.secret_server_url == url:
            status = setup_status(bootstrap)
            if status.reachable and not status.problem:
                self._report(bootstrap.folder_id, bootstrap.scim_secret_id, "already configured")
                return
            self.stdout.write(f"Re-running setup: {status.problem or 'Secret Server did not answer.'}")
        with audit_run("configure"):
            try:
                result = secretserver_setup(
                    url=url, admin_username=options["admin_username"], admin_password=admin_password,
                    admin_domain=options["admin_domain"], app_username=options["app_username"],
                    app_password=app_password, app_domain=options["app_domain"], app_site_id=options["site_id"],
                    allow_http=allow_http)
            except SetupError as exc:
                raise CommandError(exc.message) from None
            except AuditWriteError as exc:
                raise CommandError(exc.safe_message) from None
        created = [what for what, flag in (("folder", result.folder_created), ("secret", result.secret_created))
                   if flag]
        self._report(result.folder_id, result.secret_id, f"created: {', '.join(created)}" if created else "reused")

    def _report(self, folder_id, secret_id, note):
        self.stdout.write(self.style.SUCCESS(CONNECTION_SUCCESSFUL))
        self.stdout.write(f"SCIM folder id: {folder_id}")
        self.stdout.write(f"SCIMSecret id: {secret_id}")
        self.stdout.write(f"({note})")
        self.stdout.write(SHARE_AS_OWNER)
