"""Function keys and secrets in the state folder.

``<state>/keys.json`` (mode 0600) holds ``{"master": ..., "functions": {name: key}}``; the
master key opens every function, the admin API and the durable management API. Secrets come
from ``<state>/secrets.env`` (``name=value`` lines) or the environment (``FAAS_SECRET_<NAME>``,
upper case, ``-`` as ``_``); they are never logged.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
from collections.abc import Iterable, Mapping
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


def load_secrets(state: Path, names: Iterable[str]) -> dict[str, str]:
    """The values of the named secrets that are set (env file first, then the environment)."""
    found: dict[str, str] = {}
    path = state / "secrets.env"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, _, value = line.partition("=")
                found[key.strip()] = value.strip()
    return {
        n: found[n] if n in found else os.environ[env_name(n)]
        for n in names
        if n in found or env_name(n) in os.environ
    }
