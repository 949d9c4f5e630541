"""Function keys and secrets in the state folder.

``<state>/keys.json`` (mode 0600) holds ``{"master": ..., "functions": {name: key}}``; the
master key opens every function, the admin API and the durable management API. Secrets come
from ``<state>/secrets.env`` (dotenv lines, re-read when the file changes) or the environment
(``FAAS_SECRET_<NAME>``, upper case, ``-`` as ``_``); they are never logged.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import FaasError


@dataclass(frozen=True)
class Keys:
    master: str
    functions: Mapping[str, str]

    def allows(self, function: str, given: str | None) -> bool:
        if not given:
            return False
        if same_secret(given, self.master):
            return True
        own = self.functions.get(function)
        return own is not None and same_secret(given, own)

    def is_master(self, given: str | None) -> bool:
        return bool(given) and same_secret(given or "", self.master)


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison of any text (``hmac.compare_digest`` refuses non-ASCII
    ``str``, and a header may carry any byte)."""
    encode = "utf-8", "surrogatepass"
    return hmac.compare_digest(given.encode(*encode), expected.encode(*encode))


def _write_private(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def load_keys(state: Path, functions: Iterable[str]) -> Keys:
    """Read the keys, adding one for each function that has none (existing keys are kept)."""
    path = state / "keys.json"
    data: dict[str, object] = {}
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            raise FaasError.one(
                "FIAC802",
                f"{path} is not valid JSON",
                fix='delete it to generate new keys, or restore {"master": ..., "functions": {}}',
            ) from None
    master = str(data.get("master") or secrets.token_urlsafe(32))
    raw = data.get("functions")
    known = {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
    for name in functions:
        known.setdefault(name, secrets.token_urlsafe(24))
    text = json.dumps({"master": master, "functions": dict(sorted(known.items()))}, indent=2)
    if not path.exists() or path.read_text(encoding="utf-8") != text + "\n":
        state.mkdir(parents=True, exist_ok=True)
        _write_private(path, text + "\n")
    return Keys(master, known)


def env_name(secret: str) -> str:
    return "FAAS_SECRET_" + secret.upper().replace("-", "_")


class Secrets:
    """The app's secrets: ``<state>/secrets.env`` read with python-dotenv's rules (``export``,
    single or double quotes, ``#`` comments, escapes; no ``${...}`` expansion, so a value is
    kept exactly), re-read whenever the file changes, so a new or changed secret works without
    a restart; else ``FAAS_SECRET_<NAME>`` from the environment. Every value read is handed to
    ``on_read`` (the log redaction) before it is returned. Thread-safe."""

    def __init__(
        self,
        state: Path,
        names: Iterable[str],
        on_read: Callable[[Iterable[str]], None] = lambda values: None,
    ) -> None:
        self.path = state / "secrets.env"
        self.names = frozenset(names)
        self._on_read = on_read
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._file: dict[str, str] = {}

    def _refresh(self) -> None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            stamp = None
        else:
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        if stamp == self._stamp and stamp is not None:
            return
        from dotenv import dotenv_values

        values = dotenv_values(self.path, interpolate=False) if stamp is not None else {}
        self._file = {k: v for k, v in values.items() if v is not None}
        self._stamp = stamp
        self._on_read(self._file[n] for n in self.names if n in self._file)

    def get(self, name: str) -> str | None:
        """The value of a declared secret, or None when it is set nowhere."""
        if name not in self.names:
            return None
        with self._lock:
            self._refresh()
            value = self._file.get(name)
        if value is None:
            value = os.environ.get(env_name(name))
            if value is not None:
                self._on_read([value])
        return value

    def snapshot(self) -> dict[str, str]:
        """Every declared secret that is set, now."""
        found = {n: self.get(n) for n in sorted(self.names)}
        return {n: v for n, v in found.items() if v is not None}


def load_secrets(state: Path, names: Iterable[str]) -> dict[str, str]:
    """The values of the named secrets that are set (env file first, then the environment)."""
    return Secrets(state, names).snapshot()
