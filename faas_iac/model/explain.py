"""A pydantic error on a function's options, said as a user would want it: a code, what is
wrong with which option, and a fix that matches the rule that was broken. Values of ``env=``
and ``secrets=`` are never repeated (they may be secrets)."""

from __future__ import annotations

from typing import Any

from pydantic_core import ErrorDetails

from .function import MAX_TIMEOUT_S
from .names import NameKind, name_problem

#: A fix per pydantic error type, for options with no rule of their own.
FIXES = {
    "literal_error": "use one of the values listed",
    "greater_than_equal": "raise the value to the minimum shown",
    "less_than_equal": "lower the value to the maximum shown",
    "greater_than": "raise the value above the minimum shown",
    "bool_parsing": "use True or False",
    "bool_type": "use True or False",
    "int_parsing": "use a whole number",
    "int_type": "use a whole number",
    "int_from_float": "use a whole number",
    "string_type": "use a text value (in quotes)",
    "dict_type": 'use a dict, e.g. {"KEY": "value"}',
    "tuple_type": "use a list: [...]",
}
#: Trigger options that name a resource.
RESOURCE_FIELDS = frozenset({"queue", "topic", "bucket", "table", "stream", "bus", "dead_letter"})
MIN_MEMORY, MAX_MEMORY = 128, 32768
_RANGE = frozenset({"greater_than_equal", "less_than_equal", "greater_than", "less_than"})


def field_name(loc: list[str]) -> str:
    """``methods[0]`` rather than ``0`` for an item of a list."""
    if not loc:
        return "value"
    name = loc[-1]
    if name.isdigit() and len(loc) > 1:
        return f"{loc[-2]}[{name}]"
    return name


def _type_name(value: Any) -> str:
    return type(value).__name__


def _name_kind(loc: list[str], err: ErrorDetails) -> NameKind | None:
    if err["type"] not in ("string_pattern_mismatch", "string_too_long"):
        return None
    if loc == ["name"]:
        return "function"
    if len(loc) == 3 and loc[0] in ("env", "secrets") and loc[2] == "[key]":
        return "env"
    if len(loc) >= 2 and loc[0] == "trigger" and loc[1] in RESOURCE_FIELDS:
        return "resource"
    return None


#: How to write a trigger whose first argument (this field) is missing.
USAGE = {
    "queue": '@app.queue("orders")',
    "topic": '@app.topic("news")',
    "bucket": '@app.storage("uploads")',
    "table": '@app.table_changes("items")',
    "stream": '@app.stream("clicks")',
    "pattern": '@app.event({"source": ["shop"], "type": ["order.placed"]})',
}


def _missing(loc: list[str]) -> tuple[str, str, str]:
    if loc == ["trigger", "jwt", "issuer"]:
        return (
            "FIAC100",
            "jwt= has no 'issuer' (the URL of the token issuer)",
            'give it: jwt={"issuer": "https://login.example.com/", "audience": ["my-api"]}',
        )
    if len(loc) == 2 and loc[0] == "trigger" and loc[1] in USAGE:
        return (
            "FIAC100",
            f"the trigger has no {loc[1]}",
            f"give it: {USAGE[loc[1]]} (with the parentheses)",
        )
    return ("FIAC100", f"{'.'.join(loc)} is missing", "give it a value")


def explain(loc: list[str], err: ErrorDetails) -> tuple[str, str, str]:
    """``(code, message, fix)`` of one pydantic error at ``loc`` in a function's data."""
    value = err.get("input")
    if err["type"] == "missing":
        return _missing(loc)
    kind = _name_kind(loc, err)
    if kind is not None:
        what = ""
        if kind == "resource":
            what = "dead-letter queue name" if loc[1] == "dead_letter" else f"{loc[1]} name"
        return ("FIAC106", *name_problem(kind, str(value), what))
    if loc == ["trigger", "dead_letter"]:
        if isinstance(value, str):
            return ("FIAC106", *name_problem("resource", value, "dead-letter queue name"))
        return (
            "FIAC100",
            f"dead_letter = {value!r}: give the dead-letter queue's name, or True",
            "write dead_letter=True (a queue named '<queue>-dlq') or dead_letter=\"orders-dlq\"",
        )
    if loc and loc[0] in ("env", "secrets"):
        if len(loc) == 2:
            return (
                "FIAC100",
                f"{loc[0]} value of {loc[1]} is {_type_name(value)} (not shown), not text",
                f"write the value as text, e.g. {loc[1]}='...'",
            )
        return ("FIAC100", f"{loc[0]}= is {_type_name(value)}, not a dict", FIXES["dict_type"])
    in_range = err["type"] in _RANGE
    if loc and loc[0] == "timeout" and in_range:
        return (
            "FIAC120",
            f"timeout {value!r} s is outside 1-{MAX_TIMEOUT_S} s, which no target allows",
            "give the timeout in whole seconds, at least 1"
            if isinstance(value, int) and value < 1
            else f"use at most {MAX_TIMEOUT_S} s; AWS allows 900, Azure Consumption 600, GCP "
            "events 540 — for longer work, use a durable orchestration",
        )
    if loc and loc[0] == "memory" and in_range:
        return (
            "FIAC121",
            f"memory {value!r} MB is outside {MIN_MEMORY}-{MAX_MEMORY} MB",
            f"give memory in MB between {MIN_MEMORY} and {MAX_MEMORY} (AWS allows up to "
            "10240, Azure Flex Consumption 4096)",
        )
    return (
        "FIAC100",
        f"{field_name(loc)} = {value!r}: {err['msg']}",
        FIXES.get(err["type"], "see `faas-iac schema` for the allowed values"),
    )
