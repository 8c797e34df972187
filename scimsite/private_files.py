"""Files only the connector's own user may read: the SQLite database holds the audit trail and the
encrypted application-account password, so it must not be created world-readable under a 022 umask."""
from __future__ import annotations

import os
from pathlib import Path


def private_sqlite_file(name: str | os.PathLike) -> None:
    """Create the database's directory 0700 (when missing) and the database file 0600 (tightening it if needed).

    SQLite creates its journal/WAL files with the database file's permissions, so they follow. An existing
    directory is left alone (it may hold other things, e.g. collected static files).
    """
    if str(name) in ("", ":memory:") or str(name).startswith("file:"):
        return
    path = Path(name)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)  # O_CREAT honours the mode: no window at 0644
    try:
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
