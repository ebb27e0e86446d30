"""Key files: secrets live in files outside the database and the repository.

A missing file is created on first start with owner-only permissions, so `make run` works on a
fresh machine while production deployments point the variables at their own managed files.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path


def read_or_create(path: Path, create: Callable[[], bytes]) -> bytes:
    """Return the file's bytes, writing `create()` there first (mode 0600) if it is absent.

    Concurrent first starts agree on one key: the file is created exclusively and a loser of
    the race reads the winner's key.
    """
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = create()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
    return path.read_bytes()


def read_or_create_secret(path: Path) -> str:
    """Django's SECRET_KEY from `path` (a random 50-byte token on first start)."""
    return read_or_create(path, lambda: secrets.token_urlsafe(50).encode()).decode().strip()
