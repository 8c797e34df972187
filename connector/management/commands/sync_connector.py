"""Rebuild the local mirrors (SCIM folder, settings, and every step registered in connector.services.sync)."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from connector.services.audit import audit_run
from connector.services.connection import ConnectorNotConfigured, app_client, bootstrap_require
from connector.services.sync import connector_sync


class Command(BaseCommand):
    help = "Rebuild the connector's local copies of what Secret Server holds."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="No progress bars (for logs).")

    def handle(self, *args, **options):
        try:
            bootstrap = bootstrap_require()
        except ConnectorNotConfigured as exc:
            raise CommandError(exc.message) from None
        quiet = options["no_progress"] or options["verbosity"] == 0

        def progress_factory(name):
            return tqdm(desc=name, unit="item", file=self.stderr._out, disable=quiet, leave=True)

        with audit_run("sync"):
            report = connector_sync(app_client(bootstrap), bootstrap, progress_factory=progress_factory)
        for key, value in report.counts.items():
            self.stdout.write(f"{key}: {value}")
        if not report.ok:
            for step, message in report.errors.items():
                self.stderr.write(f"{step} failed: {message}")
            raise CommandError("Sync finished with errors.")
        self.stdout.write(self.style.SUCCESS("Sync complete."))
