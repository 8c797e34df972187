"""Publish the audit chain's head to Secret Server: ``manage.py audit_anchor`` (hourly from cron)."""
from django.core.management.base import BaseCommand, CommandError

from connector.services.audit import audit_run
from connector.services.audit_anchor import AuditAnchorError, audit_anchor_publish


class Command(BaseCommand):
    help = (
        "Write the audit chain's head (seq, row hash, time) into the secret 'SCIMAuditAnchor <hostname>' in the "
        "SCIM folder, even when nothing happened, and record one audit.anchor row. Run it at least hourly; "
        "verify_audit --anchor-from-secret-server then detects a deleted tail. Exit 1 on failure."
    )

    def add_arguments(self, parser):
        parser.add_argument("--allow-rollback", action="store_true",
                            help="Publish even though the previous anchor is no longer in the local chain "
                                 "(only after a deliberate restore of the database from backup).")

    def handle(self, *args, allow_rollback=False, **options):
        try:
            with audit_run("anchor"):
                anchor = audit_anchor_publish(allow_rollback=allow_rollback)
        except AuditAnchorError as exc:
            raise CommandError(f"Audit anchor not published: {exc.safe_message}") from None
        if anchor is None:
            self.stdout.write("The audit trail is empty: nothing to anchor.")
            return
        self.stdout.write(self.style.SUCCESS(f"Audit anchor published to Secret Server: {anchor}"))
