"""Event patterns (event bus rules) and attribute filters (topic subscriptions). Pure.

A pattern is a dict whose keys name fields of the event; a value is matched as follows:

* a list: the field equals one of its items (an item may also be a matcher dict);
* a dict of matchers: ``{"prefix": "a"}``, ``{"suffix": "z"}``, ``{"exists": bool}``,
  ``{"anything-but": [..]}``, ``{"numeric": [">", 10, "<=", 20]}``;
* any other dict: a nested pattern over the nested field;
* a scalar: the field equals it.

Every key must match (AND); the items of a list are alternatives (OR). This is the subset of
event-bus patterns that every target's router can express.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

_MISSING = object()
_MATCHERS = frozenset({"prefix", "suffix", "exists", "anything-but", "numeric", "equals"})
_NUMERIC: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


def _is_matcher(value: Any) -> bool:
    return isinstance(value, Mapping) and len(value) == 1 and next(iter(value)) in _MATCHERS


def _numeric(spec: list[Any], value: Any) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    pairs = zip(spec[0::2], spec[1::2], strict=False)
    return all(op in _NUMERIC and _NUMERIC[op](value, bound) for op, bound in pairs)


def _matcher(spec: Mapping[str, Any], value: Any) -> bool:
    ((name, arg),) = spec.items()
    if name == "exists":
        return (value is not _MISSING) == bool(arg)
    if value is _MISSING:
        return False
    if name == "prefix":
        return isinstance(value, str) and value.startswith(arg)
    if name == "suffix":
        return isinstance(value, str) and value.endswith(arg)
    if name == "anything-but":
        return value not in (arg if isinstance(arg, list) else [arg])
    if name == "numeric":
        return _numeric(list(arg), value)
    return bool(value == arg)


def _value(spec: Any, value: Any) -> bool:
    if isinstance(spec, list):
        if isinstance(value, list):
            return any(_value(spec, v) for v in value)
        return any(_value(item, value) for item in spec)
    if _is_matcher(spec):
        return _matcher(spec, value)
    if isinstance(spec, Mapping):
        return isinstance(value, Mapping) and matches(spec, value)
    return value is not _MISSING and bool(value == spec)


def matches(pattern: Mapping[str, Any], event: Mapping[str, Any]) -> bool:
    """Whether ``event`` matches every key of ``pattern``."""
    return all(_value(spec, event.get(key, _MISSING)) for key, spec in pattern.items())


def storage_matches(
    events: tuple[str, ...], prefix: str, suffix: str, event: str, key: str
) -> bool:
    """Whether a storage trigger wants ``event`` (``created``/``deleted``) on object ``key``."""
    return event in events and key.startswith(prefix) and key.endswith(suffix)
