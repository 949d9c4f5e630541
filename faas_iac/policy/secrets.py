"""What looks like a secret written in plain text: a name that says so, or a value with the
randomness of a key. Kept apart from the rules so the model check and the resource check (the
policy pack's) judge alike."""

from __future__ import annotations

import math
import re
from collections import Counter

#: Names that say they hold a secret (``DB_PASSWORD``, ``API_TOKEN``, ``STRIPE_KEY``...).
SECRET_NAME = re.compile(
    r"(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|_KEY$|^KEY$)",
    re.IGNORECASE,
)
#: Values that point at a secret rather than hold one.
REFERENCE = re.compile(
    r"^(arn:|@Microsoft\.KeyVault\(|projects/[^/]+/secrets/|\$\{|https?://|[{\[])", re.IGNORECASE
)
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
TOKEN = re.compile(r"^[A-Za-z0-9+/=_\-.~]{20,}$")
#: Bits per character above which a token-like value reads as random (hex keys reach 4.0;
#: English words and identifiers stay near 3).
ENTROPY = 3.5
#: Markers of a credential inside a connection string or URL.
CREDENTIAL = re.compile(
    r"(AccountKey=|SharedAccessKey=|SharedAccessSignature=|[?&]sig=|Password=|pwd=)", re.IGNORECASE
)


def entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def looks_random(value: str) -> bool:
    return (
        bool(TOKEN.match(value))
        and not UUID.match(value)
        and any(c.isdigit() for c in value)
        and any(c.isalpha() for c in value)
        and entropy(value) >= ENTROPY
    )


def plain_secret(name: str, value: str) -> str | None:
    """Why ``name=value`` looks like a secret written in plain text, or None."""
    if name.startswith("FAAS_IAC_") or not value or REFERENCE.match(value):
        return None
    if CREDENTIAL.search(value):
        return "its value carries a credential"
    if SECRET_NAME.search(name):
        return "its name says it holds a secret"
    if looks_random(value):
        return f"its value looks like a key ({entropy(value):.1f} bits per character)"
    return None
