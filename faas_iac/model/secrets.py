"""Plain secrets in ``env=``: a variable whose name or value looks like a secret would be written
in clear into the plan and the cloud's configuration (Lambda environment, app settings). It
belongs under ``secrets=``, which names a secret of the target's secret store.

A warning (FIAC134), an error under ``--strict``. The value itself is never put in a message,
so the warning cannot leak what it warns about. Pure: reads the model only.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path
from statistics import median

from ..errors import Diagnostic, shown_path
from .app import AppModel
from .function import Function

#: Words that make a variable name a secret's name (``DB_PASSWORD``, ``GITHUB_TOKEN``...).
SECRET_WORDS = ("PASSWORD", "PASSWD", "SECRET", "TOKEN", "CREDENTIAL", "APIKEY", "PRIVATE_KEY")
_PATTERNS = (
    (re.compile(r"(?:AKIA|ASIA)[0-9A-Z]{16}"), "an AWS access key id"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
    (re.compile(r"eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+"), "a JSON Web Token"),
    (re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@"), "a URL with a password"),
)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9+/=_.~-]+")
#: A long token reads as random when its Shannon entropy (bits per character) is high and it
#: is not made of words: split into runs (``Order``, ``PLACED``, ``2024``), random base64 or hex
#: gives runs of one or two characters, while names built of words (``ProductionDatabase2024``,
#: ``orders-table-prod-v2``, ``com.example.OrderPlaced``) give runs of four or more.
ENTROPY_BITS = 3.5
MAX_MEDIAN_RUN = 2
MIN_RANDOM_LENGTH = 20
_RUNS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")


def _entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _random(text: str) -> bool:
    runs = [len(run) for run in _RUNS.findall(text)]
    return bool(runs) and _entropy(text) >= ENTROPY_BITS and median(runs) <= MAX_MEDIAN_RUN


def secret_name(name: str) -> str | None:
    """The word that makes ``name`` read as a secret's name, or None."""
    upper = name.upper()
    word = next((w for w in SECRET_WORDS if w in upper), None)
    if word:
        return word
    return "_KEY" if upper.endswith("_KEY") or upper == "KEY" else None


def secret_value(value: str) -> str | None:
    """What makes ``value`` read as a secret (a known credential shape, or a long random
    token), or None."""
    for pattern, what in _PATTERNS:
        if pattern.search(value):
            return f"it holds {what}"
    if len(value) < MIN_RANDOM_LENGTH or _UUID.fullmatch(value):
        return None
    if not _TOKEN_CHARS.fullmatch(value):
        return None
    if _random(value):
        return "its value looks like a random token"
    return None


def _why(name: str, value: str) -> tuple[str, str] | None:
    """Why the variable reads as a secret, and how to say it is not one; or None."""
    if not value.strip():
        return None
    word = secret_name(name)
    if word:
        return f"its name contains {word}", "if it is not a secret, rename the variable"
    what = secret_value(value)
    return (what, "") if what else None


def _location(fn: Function, root: Path | None) -> str:
    file, _, line = fn.source.rpartition(":")
    if not file:
        return fn.source
    return f"{shown_path(str(root / file) if root else file)}:{line}"


def plain_secrets(
    model: AppModel, root: Path | None = None, *, strict: bool = False
) -> list[Diagnostic]:
    """A FIAC134 diagnostic per ``env=`` variable that looks like a secret (errors if strict);
    a variable several functions share (``App(env=...)``) is reported once."""
    users: dict[tuple[str, str], list[Function]] = {}
    for fn in model.functions:
        for name, value in fn.env.items():
            users.setdefault((name, value), []).append(fn)
    found = []
    for (name, value), fns in sorted(users.items(), key=lambda item: item[0][0]):
        why = _why(name, value)
        if why is None:
            continue
        reason, otherwise = why
        fn = fns[0]
        shared = f" and {len(fns) - 1} other functions" if len(fns) > 1 else ""
        secret = name.lower().replace("_", "-")
        found.append(
            Diagnostic(
                "FIAC134",
                f"env variable {name} of {fn.name!r}{shared} looks like a secret ({reason}): "
                "env= values are written in clear into the plan and the cloud's configuration",
                f"move it to secrets={{{name!r}: {secret!r}}}, read it with "
                f"ctx.secret({secret!r}), and set the value in the target's secret store "
                f"(locally: {secret}=... in the state folder's secrets.env)"
                + (f"; {otherwise}" if otherwise else ""),
                _location(fn, root),
                f"functions.{fn.name}.env.{name}",
                "error" if strict else "warning",
            )
        )
    return found
