"""Compile options of the Azure provider (``faas-iac compile --provider azure -O plan=premium``
or ``faas_iac.pulumi.deploy(app, "azure", plan="premium")``), validated once."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Final

from faas_iac.errors import FaasError

PLANS: Final[dict[str, tuple[str, str]]] = {
    "flex": ("FC1", "FlexConsumption"),
    "consumption": ("Y1", "Dynamic"),
    "premium": ("EP1", "ElasticPremium"),
}
QUEUE_SERVICES: Final = ("storage", "servicebus")
KNOWN: Final = ("plan", "location", "queues", "suffix", "sku")


@dataclass(frozen=True)
class AzureOptions:
    plan: str = "flex"
    location: str | None = None
    queues: str = "storage"
    suffix: str = ""
    sku: str | None = None

    @property
    def sku_name(self) -> str:
        return self.sku or PLANS[self.plan][0]

    @property
    def sku_tier(self) -> str:
        return PLANS[self.plan][1]

    @property
    def website_time_zone(self) -> bool:
        """Linux Consumption and Flex Consumption ignore WEBSITE_TIME_ZONE; Premium honours it."""
        return self.plan == "premium"


def parse(options: dict[str, str]) -> AzureOptions:
    unknown = sorted(set(options) - set(KNOWN))
    if unknown:
        raise FaasError.one(
            "FIAC400",
            f"unknown Azure compile option(s) {', '.join(unknown)}",
            fix=f"use only {', '.join(KNOWN)}",
            path="options",
        )
    plan = options.get("plan", "flex")
    if plan not in PLANS:
        raise FaasError.one(
            "FIAC400",
            f"unknown Azure hosting plan {plan!r}",
            fix=f"use plan= one of {', '.join(PLANS)} (flex is the default)",
            path="options.plan",
        )
    queues = options.get("queues", "storage")
    if queues not in QUEUE_SERVICES:
        raise FaasError.one(
            "FIAC400",
            f"unknown queue service {queues!r}",
            fix="use queues=storage (Storage queues) or queues=servicebus (Service Bus queues)",
            path="options.queues",
        )
    return AzureOptions(
        plan, options.get("location"), queues, options.get("suffix", ""), options.get("sku")
    )


def alnum(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def short_hash(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:8]


@dataclass(frozen=True)
class Names:
    """Globally unique Azure names derived from the app name (and an optional suffix), so the
    same app always gets the same names and two apps never collide."""

    app: str
    suffix: str

    @property
    def tag(self) -> str:
        return short_hash(self.app, self.suffix)

    def global_name(self, kind: str, max_len: int = 60) -> str:
        base = f"{self.app}-{kind}-{self.tag}"
        return base if len(base) <= max_len else f"{self.app[: max_len - 14]}-{self.tag}"

    def storage_account(self, kind: str) -> str:
        return f"{alnum(self.app)[:10]}{kind[:6]}{self.tag}"[:24]
