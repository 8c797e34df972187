"""Verify the audit chain: ``manage.py verify_audit [--anchor SEQ:HASH] [--last N]``; exit 1 when it is bad."""
from django.core.management.base import BaseCommand, CommandError

from connector.services.audit import AuditAnchor, audit_chain_verify


class Command(BaseCommand):
    help = (
        "Walk the audit chain in seq order (constant memory) and report OK with the row count and head hash, "
        "or the first bad row (hash mismatch, broken link, gap in seq). Give --anchor (a head recorded "
        "earlier, '<seq>:<row_hash>') to detect a deleted tail."
    )

    def add_arguments(self, parser):
        parser.add_argument("--anchor", help="A head recorded earlier, as <seq>:<row_hash>.")
        parser.add_argument("--last", type=int, help="Check only the newest N rows.")
        parser.add_argument("--chunk-size", type=int, default=5000, help="Rows per query (default 5000).")

    def handle(self, *args, anchor=None, last=None, chunk_size=5000, **options):
        try:
            parsed_anchor = AuditAnchor.parse(anchor) if anchor else None
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if last is not None and last < 1:
            raise CommandError("--last must be at least 1")
        status = audit_chain_verify(anchor=parsed_anchor, last=last, chunk_size=max(chunk_size, 1))
        if not status.ok:
            raise CommandError(str(status))
        self.stdout.write(str(status))
        if status.head_seq is not None:
            self.stdout.write(f"anchor: {status.head_seq}:{status.head_hash}")
