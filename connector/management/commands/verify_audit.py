"""Verify the audit chain: ``manage.py verify_audit [--anchor SEQ:HASH | --anchor-from-secret-server] [--last N]``.

Exit 1 when it is bad (or the anchor cannot be read from Secret Server).
"""
from django.core.management.base import BaseCommand, CommandError

from connector.services.audit import AuditAnchor, audit_chain_verify
from connector.services.audit_anchor import AuditAnchorError, audit_anchor_record_fetch


class Command(BaseCommand):
    help = (
        "Walk the audit chain in seq order (constant memory) and report OK with the row count and head hash, "
        "or the first bad row (hash mismatch, broken link, gap in seq). Give --anchor (a head recorded "
        "earlier, '<seq>:<row_hash>') or --anchor-from-secret-server (the one audit_anchor published) to detect a "
        "deleted tail."
    )

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--anchor", help="A head recorded earlier, as <seq>:<row_hash>.")
        source.add_argument("--anchor-from-secret-server", action="store_true",
                            help="Use the anchor published in Secret Server by manage.py audit_anchor.")
        parser.add_argument("--last", type=int, help="Check only the newest N rows.")
        parser.add_argument("--chunk-size", type=int, default=5000, help="Rows per query (default 5000).")

    def handle(self, *args, anchor=None, anchor_from_secret_server=False, last=None, chunk_size=5000, **options):
        try:
            parsed_anchor = AuditAnchor.parse(anchor) if anchor else None
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if anchor_from_secret_server:
            parsed_anchor = self._published_anchor()
        if last is not None and last < 1:
            raise CommandError("--last must be at least 1")
        status = audit_chain_verify(anchor=parsed_anchor, last=last, chunk_size=max(chunk_size, 1))
        if not status.ok:
            raise CommandError(str(status))
        self.stdout.write(str(status))
        if status.head_seq is not None:
            self.stdout.write(f"anchor: {status.head_seq}:{status.head_hash}")

    def _published_anchor(self) -> AuditAnchor:
        try:
            record = audit_anchor_record_fetch()
        except AuditAnchorError as exc:
            raise CommandError(f"Anchor not read from Secret Server: {exc.safe_message}") from None
        if record is None:
            raise CommandError("No audit anchor has been published to Secret Server yet: run manage.py audit_anchor.")
        self.stdout.write(f"using anchor {record.anchor} from Secret Server (secret {record.secret_id}, "
                          f"published {record.at.isoformat()})")
        return record.anchor
