"""Key files: secrets live in files outside the database and the repository.

A missing file is created on first start with owner-only permissions, so `make run` works on a
fresh machine while production deployments point the variables at their own managed files.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path


def read_or_create(path: Path, create: Callable[[], bytes]) -> bytes:
    """Return the file's bytes, writing `create()` there first (mode 0600) if it is absent.

    Concurrent first starts agree on one key, and none reads a half-written one: the key is
    written to a private file first, which is then linked into place only if nothing is there;
    a loser of the race reads the winner's key.
    """
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, draft = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(create())
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    return path.read_bytes()


def read_or_create_secret(path: Path) -> str:
    """Django's SECRET_KEY from `path` (a random 50-byte token on first start)."""
    return read_or_create(path, lambda: secrets.token_urlsafe(50).encode()).decode().strip()
