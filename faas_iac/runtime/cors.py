"""Cross-origin access to the HTTP functions: ``App(cors=[...])`` and ``faas-iac dev --cors
ORIGIN`` (as ``func start --cors``). Pure, standard library only (the GCP runtime shim uses it
too; API Gateway and Azure's function app answer CORS themselves, from the plan).

A listed origin (or ``*`` for any) gets ``access-control-allow-origin`` on its answers, and
a preflight (``OPTIONS`` with ``access-control-request-method``) is answered 204 with the
methods of the route and the headers asked for, without a key (browsers send none on a
preflight; the request that follows still needs its key). Other origins get no CORS header,
so their pages cannot read the answers. Locally, the admin API, the durable API and the
dashboard never get CORS headers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: Seconds a browser may keep a preflight's answer.
MAX_AGE_S = 600
MAX_AGE = str(MAX_AGE_S).encode()
#: The environment variable that hands an HTTP function its app's origins (GCP).
ENV = "FAAS_IAC_CORS"


@dataclass(frozen=True)
class Cors:
    origins: frozenset[str]

    @classmethod
    def of(cls, given: Iterable[str]) -> Cors | None:
        """From ``--cors`` values, each one origin or a comma-separated list; None if none."""
        found = {o.strip().rstrip("/") for value in given for o in value.split(",") if o.strip()}
        return cls(frozenset(found)) if found else None

    def allowed(self, origin: str | None) -> bool:
        return bool(origin) and ("*" in self.origins or origin in self.origins)

    def headers(self, origin: str | None) -> list[tuple[bytes, bytes]]:
        """What an answer to ``origin`` carries (nothing for an origin not listed)."""
        if origin is None or not self.allowed(origin):
            return []
        return [
            (b"access-control-allow-origin", origin.encode("latin-1")),
            (b"vary", b"origin"),
            (b"access-control-expose-headers", b"x-invocation-id"),
        ]

    def preflight(
        self, headers: Mapping[str, str], methods: Iterable[str]
    ) -> list[tuple[bytes, bytes]] | None:
        """The headers of a 204 answer to a preflight of a listed origin, else None."""
        origin = headers.get("origin")
        if "access-control-request-method" not in headers or not self.allowed(origin):
            return None
        asked = headers.get("access-control-request-headers", "")
        return [
            *self.headers(origin),
            (b"access-control-allow-methods", ", ".join(sorted(methods)).encode()),
            (b"access-control-allow-headers", asked.encode("latin-1")),
            (b"access-control-max-age", MAX_AGE),
        ]
