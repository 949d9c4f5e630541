"""A content-addressed cache of build outputs in the user's cache folder (``$FAAS_IAC_CACHE``,
else ``$XDG_CACHE_HOME/faas-iac``, else ``~/.cache/faas-iac``), as pip and ``__pycache__`` keep
theirs: a key is the SHA-256 of everything the output is made from, so a hit gives the bytes a
fresh build would and the cache never changes what is built, only how soon.

Entries are written to a temporary file and renamed into place, so a reader never sees half of
one, and each holds the SHA-256 of its bytes, so a damaged one reads as a miss; a cache folder
that cannot be written (a read-only home) only makes builds slower. Each kind keeps its newest
``limit`` entries (an edited module adds one each time it is compiled).

Standard library only.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

#: Set to a folder to keep the cache elsewhere than the user's cache folder.
CACHE_ENV = "FAAS_IAC_CACHE"


def cache_dir() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "faas-iac"


def key_of(*parts: bytes) -> str:
    """The SHA-256 of ``parts``, each length-prefixed so no two lists of parts share a key."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()


def read(kind: str, key: str) -> bytes | None:
    try:
        entry = (cache_dir() / kind / key).read_bytes()
    except OSError:
        return None
    data = entry[32:]
    return data if hashlib.sha256(data).digest() == entry[:32] else None


def write(kind: str, key: str, data: bytes, limit: int) -> None:
    """Store ``data`` under ``key``; then drop the oldest entries beyond ``limit``."""
    folder = cache_dir() / kind
    partial = folder / f"{key}.{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(hashlib.sha256(data).digest() + data)
        partial.replace(folder / key)
        entries = list(os.scandir(folder))
        if len(entries) > limit:
            entries.sort(key=lambda e: e.stat().st_mtime_ns)
            for old in entries[: len(entries) - limit]:
                os.unlink(old.path)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
