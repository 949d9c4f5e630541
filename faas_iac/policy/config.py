"""``[tool.faas-iac.policy]`` in the nearest ``pyproject.toml`` above the app:

.. code-block:: toml

    [tool.faas-iac.policy]
    providers = ["aws", "azure"]          # targets judged when -p is not given
    disable = ["FIAC741"]                 # rules off everywhere
    severity = { FIAC701 = "error" }      # "error", "warning" or "off"

    [[tool.faas-iac.policy.overrides]]    # per path (gitignore patterns, from this file's folder)
    paths = ["legacy/**"]
    disable = ["FIAC705"]
    severity = { FIAC737 = "off" }

A mistake in it is a usage error (FIAC792, exit 2): an unknown key, rule id or severity."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pathspec

from ..errors import FaasError, Severity
from .catalog import BY_ID, META
from .rule import TARGETS

Level = Severity | Literal["off"]
LEVELS: tuple[Level, ...] = ("error", "warning", "off")


@dataclass(frozen=True)
class Override:
    spec: pathspec.GitIgnoreSpec
    levels: Mapping[str, Level]


@dataclass(frozen=True)
class Config:
    base: Path = field(default_factory=Path.cwd)
    source: str = ""
    providers: tuple[str, ...] = ()
    levels: Mapping[str, Level] = field(default_factory=dict)
    overrides: tuple[Override, ...] = ()

    def level(self, rule: str, path: Path | None) -> Level:
        """The severity of ``rule`` for a finding in ``path`` ("off": not reported)."""
        if rule in META:
            return BY_ID[rule].severity
        level: Level = self.levels.get(rule, BY_ID[rule].severity)
        if path is not None and self.overrides:
            try:
                relative = path.resolve().relative_to(self.base.resolve()).as_posix()
            except ValueError:
                return level
            for override in self.overrides:
                if override.spec.match_file(relative):
                    level = override.levels.get(rule, level)
        return level


def _fail(source: str, message: str, fix: str, path: str = "") -> FaasError:
    return FaasError.one("FIAC792", message, fix=fix, location=source, path=path)


def _levels(table: Mapping[str, Any], source: str, where: str) -> dict[str, Level]:
    levels: dict[str, Level] = {}
    for key in ("disable", "enable"):
        ids = table.get(key, [])
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise _fail(source, f"{where}.{key} must be a list of rule ids", 'e.g. ["FIAC741"]')
        for rule in ids:
            _known(rule, source, f"{where}.{key}")
            levels[rule] = "off" if key == "disable" else BY_ID[rule].severity
    severities = table.get("severity", {})
    if not isinstance(severities, Mapping):
        raise _fail(source, f"{where}.severity must be a table", 'e.g. { FIAC701 = "error" }')
    for rule, level in severities.items():
        _known(rule, source, f"{where}.severity")
        if level not in LEVELS:
            raise _fail(
                source,
                f"{where}.severity.{rule} is {level!r}",
                f"use one of {', '.join(LEVELS)}",
                f"{where}.severity.{rule}",
            )
        levels[rule] = level
    return levels


def _known(rule: str, source: str, where: str) -> None:
    if rule not in BY_ID or rule in META:
        raise _fail(
            source,
            f"{where} names {rule!r}, which is not a policy rule",
            "see docs/rules.md for the rule ids (FIAC701...)",
            where,
        )


KEYS = {"providers", "disable", "enable", "severity", "overrides"}
OVERRIDE_KEYS = {"paths", "disable", "enable", "severity"}


def parse(table: Mapping[str, Any], base: Path, source: str) -> Config:
    where = "tool.faas-iac.policy"
    unknown = sorted(set(table) - KEYS)
    if unknown:
        raise _fail(
            source, f"unknown key(s) in [{where}]: {', '.join(unknown)}", f"use {sorted(KEYS)}"
        )
    providers = table.get("providers", [])
    if not isinstance(providers, list) or not all(p in TARGETS for p in providers):
        raise _fail(source, f"{where}.providers must list targets", f"choose among {TARGETS}")
    overrides = []
    for i, item in enumerate(table.get("overrides", [])):
        at = f"{where}.overrides[{i}]"
        if not isinstance(item, Mapping) or set(item) - OVERRIDE_KEYS:
            raise _fail(source, f"{at} has unknown keys", f"use {sorted(OVERRIDE_KEYS)}")
        paths = item.get("paths")
        if not isinstance(paths, list) or not paths or not all(isinstance(p, str) for p in paths):
            raise _fail(source, f"{at}.paths must be a non-empty list", 'e.g. ["legacy/**"]')
        spec = pathspec.GitIgnoreSpec.from_lines(paths)
        overrides.append(Override(spec, _levels(item, source, at)))
    return Config(base, source, tuple(providers), _levels(table, source, where), tuple(overrides))


def load(start: Path) -> Config:
    """The configuration of the nearest ``pyproject.toml`` at or above ``start``."""
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise _fail(
                    str(candidate), f"pyproject.toml cannot be read: {exc}", "fix the TOML"
                ) from None
            table = data.get("tool", {}).get("faas-iac", {}).get("policy", {})
            return parse(table, folder, str(candidate))
    return Config(start.resolve())
