"""The naming rules of the model, said once: for each kind of name, what is allowed, why a
given name breaks the rule (too long, a bad first character, a bad character) and a corrected
name to suggest. Used by every diagnostic about a name, so the message and its fix agree."""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

NameKind = Literal["function", "resource", "app", "env"]

#: The longest function, resource and app name (a cloud name is built from it).
MAX_NAME = 63


class Rule(NamedTuple):
    what: str
    first: str  # first character class (regex)
    rest: str  # other characters (regex class body)
    max_length: int | None
    says: str


RULES: dict[NameKind, Rule] = {
    "function": Rule(
        "function name",
        "[A-Za-z]",
        "A-Za-z0-9_-",
        MAX_NAME,
        f"start with a letter and use letters, digits, '_' and '-', at most {MAX_NAME} characters",
    ),
    "resource": Rule(
        "resource name",
        "[a-z]",
        "a-z0-9-",
        MAX_NAME,
        "start with a lowercase letter and use lowercase letters, digits and '-', at most "
        f"{MAX_NAME} characters",
    ),
    "app": Rule(
        "app name",
        "[a-z]",
        "a-z0-9-",
        MAX_NAME,
        "start with a lowercase letter and use lowercase letters, digits and '-', at most "
        f"{MAX_NAME} characters",
    ),
    "env": Rule(
        "environment variable name",
        "[A-Z_]",
        "A-Z0-9_",
        None,
        "use capital letters, digits and '_', and do not start with a digit",
    ),
}


def shorten(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 3] + "..."


def _describe(chars: list[str]) -> str:
    lower = [c for c in chars if c.islower()]
    upper = [c for c in chars if c.isupper()]
    other = [c for c in chars if c not in lower and c not in upper]
    parts = ["lowercase letters"] if lower else []
    parts += ["capital letters"] if upper else []
    parts += [", ".join(repr(c) for c in other)] if other else []
    return " and ".join(parts)


def why_invalid(kind: NameKind, value: str) -> str:
    """What breaks the rule, e.g. ``"it is 100 characters long (at most 63)"``."""
    rule = RULES[kind]
    if not value:
        return "it is empty"
    if rule.max_length is not None and len(value) > rule.max_length:
        return f"it is {len(value)} characters long (at most {rule.max_length})"
    bad = sorted({c for c in value if not re.fullmatch(f"[{rule.rest}]", c)})
    if bad:
        return "it contains " + _describe(bad)
    if not re.fullmatch(rule.first, value[0]):
        return f"it starts with {value[0]!r}"
    return "it does not follow the rule"


def corrected(kind: NameKind, value: str) -> str | None:
    """A name that follows the rule and stays close to ``value``, or None."""
    rule = RULES[kind]
    text = value
    if kind == "env":
        text = re.sub(r"[^A-Z0-9_]", "_", text.upper())
        text = f"_{text}" if text[:1].isdigit() else text
    elif kind in ("resource", "app"):
        text = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    else:
        text = re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_")
    text = text.lstrip("0123456789-_") if kind != "env" else text
    if rule.max_length is not None:
        text = text[: rule.max_length].rstrip("-_") if kind != "env" else text
    ok = bool(text) and re.fullmatch(f"{rule.first}[{rule.rest}]*", text) is not None
    return text if ok and text != value else None


def name_problem(kind: NameKind, value: str, what: str = "") -> tuple[str, str]:
    """``(message, fix)`` for an invalid name of ``kind`` (``what``: e.g. "queue name")."""
    rule = RULES[kind]
    fix = f"{rule.what}s {rule.says}"
    better = corrected(kind, value)
    if better:
        fix += f", e.g. {shorten(better)!r}"
    return f"{what or rule.what} {shorten(value)!r} is invalid: {why_invalid(kind, value)}", fix
