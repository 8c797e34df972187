"""``manage.py sync_access_requests``: refresh the access-request mirror from Secret Server (cron-safe).

Exit codes: 0 done, 2 not configured, 3 Secret Server unavailable or refused, 4 another run holds the lock.
"""
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from accessrequests.services import access_request_sync
from connector.errors import ConnectorError, NotConfigured
from connector.services.audit import audit_run

LOCK_KEY = "accessrequests:sync:lock"


class Command(BaseCommand):
    help = "Refresh the local access-request history from Secret Server."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (cron).")
        parser.add_argument("--lock-seconds", type=int, default=600, help="Overlap guard for cron.")

    def handle(self, *args, no_progress=False, lock_seconds=600, **options):
        if not cache.add(LOCK_KEY, 1, lock_seconds):
            raise CommandError("Another sync_access_requests run is in progress.", returncode=4)
        bar = None

        def progress(total):
            nonlocal bar
            bar = tqdm(total=total, unit="request", disable=no_progress, file=self.stderr._out)
            return bar.update

        try:
            with audit_run("sync_access_requests"):
                result = access_request_sync(progress=progress)
        except NotConfigured as exc:
            raise CommandError(exc.message, returncode=2) from None
        except ConnectorError as exc:
            raise CommandError(exc.message, returncode=3) from None
        finally:
            if bar is not None:
                bar.close()
            cache.delete(LOCK_KEY)
        self.stdout.write(f"{result.seen} requests checked, {result.changes} status changes recorded.")
