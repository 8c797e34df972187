"""Rebuild the local mirrors from Secret Server (``manage.py sync_connector``).

``SYNC_STEPS`` is the registry of sync steps, run in order. A step is a callable
``step(client, bootstrap, progress) -> dict[str, int]`` (counts to print, e.g. ``{"endpoints": 3}``);
``progress`` is a tqdm-like object: call ``progress.update(1)`` per item and optionally set
``progress.total`` first. Another area registers its step once, at import time of its own module::

    from connector.services.sync import sync_step_register
    sync_step_register(endpoint_mirror_sync)             # appended after the settings steps

and makes sure that module is imported (e.g. from its ``AppConfig.ready()`` or ``connector/services/__init__``).
A step that raises stops nothing else: the error is reported and the remaining steps still run.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from connector.models import ConnectorBootstrap, FolderMirror, SettingsMirror
from connector.secretserver import AccessDenied, NotFound, SecretServerClient
from connector.services.configuration_service import settings_cache_clear, settings_document_read
from connector.services.connection import scim_folder_name

SyncStep = Callable[[SecretServerClient, ConnectorBootstrap, object], dict]


def folder_mirror_sync(client: SecretServerClient, bootstrap: ConnectorBootstrap, progress) -> dict:
    """The SCIM folder's row: name and whether it still exists."""
    progress.total = 1
    try:
        folder = client.get_folder(bootstrap.folder_id)
        name, active = folder.folder_name, True
    except (NotFound, AccessDenied):
        name, active = scim_folder_name(bootstrap.hostname or None), False
    with transaction.atomic():
        FolderMirror.objects.exclude(ss_folder_id=bootstrap.folder_id).update(active=False)
        FolderMirror.objects.update_or_create(ss_folder_id=bootstrap.folder_id,
                                              defaults={"name": name, "active": active})
    progress.update(1)
    return {"folders": 1, "folders_missing": 0 if active else 1}


def settings_mirror_sync(client: SecretServerClient, bootstrap: ConnectorBootstrap, progress) -> dict:
    """The settings document, exactly as the SCIMSecret's notes hold it."""
    progress.total = 1
    document = settings_document_read(client, bootstrap)
    SettingsMirror.objects.update_or_create(singleton=1, defaults={
        "settings": document.settings.as_dict(), "revision": document.revision,
        "ss_secret_id": bootstrap.scim_secret_id})
    settings_cache_clear()
    progress.update(1)
    return {"settings_revision": document.revision}


SYNC_STEPS: list[SyncStep] = [folder_mirror_sync, settings_mirror_sync]


def sync_step_register(step: SyncStep) -> SyncStep:
    """Append ``step`` to SYNC_STEPS once (usable as a decorator)."""
    if step not in SYNC_STEPS:
        SYNC_STEPS.append(step)
    return step


@dataclass
class SyncReport:
    counts: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)  # step name -> safe message

    @property
    def ok(self) -> bool:
        return not self.errors


class _NullProgress:
    total = None

    def update(self, n=1):
        pass

    def close(self):
        pass


def connector_sync(client: SecretServerClient, bootstrap: ConnectorBootstrap, *,
                   progress_factory=None) -> SyncReport:
    """Run every registered step; ``progress_factory(desc)`` returns a progress bar per step."""
    report = SyncReport()
    for step in list(SYNC_STEPS):
        name = getattr(step, "__name__", repr(step))
        progress = progress_factory(name) if progress_factory else _NullProgress()
        try:
            report.counts.update(step(client, bootstrap, progress) or {})
        except Exception as exc:
            report.errors[name] = getattr(exc, "product_message", "") or type(exc).__name__
        finally:
            progress.close()
    return report

from connector.services.endpoints import endpoint_mirror_sync  # noqa: E402  (SCIM endpoints area)

sync_step_register(endpoint_mirror_sync)
