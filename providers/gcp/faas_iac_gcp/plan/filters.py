"""Topic filters as Pub/Sub subscription filters (``attributes.k = "v"``, ``hasPrefix``,
``attributes:k`` for presence, ``AND`` / ``OR`` / ``NOT``). Pub/Sub filters compare text only
and have no suffix or numeric tests: those are refused (FIAC503), never dropped. Pure."""

from __future__ import annotations

import json
from typing import Any

from faas_iac.errors import Diagnostic
from faas_iac.model import Function


class _Refused(Exception):
    pass


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Refused(f"value {value!r} is not text (Pub/Sub attributes are text)")
    return json.dumps(str(value))  # a double-quoted string with backslash escapes


def _test(key: str, spec: Any) -> str:
    name = json.dumps(key)[1:-1]
    attr = f"attributes.{name}" if name.replace("_", "").replace("-", "").isalnum() else None
    if attr is None:
        raise _Refused(f"attribute name {key!r} is not a plain name")
    if isinstance(spec, list):
        tests = [_test(key, item) for item in spec]
        return tests[0] if len(tests) == 1 else "(" + " OR ".join(tests) + ")"
    if isinstance(spec, dict):
        if len(spec) != 1:
            raise _Refused(f"matcher {spec!r} has more than one test")
        ((matcher, arg),) = spec.items()
        if matcher == "prefix":
            return f"hasPrefix({attr}, {_text(arg)})"
        if matcher == "exists":
            return f"attributes:{name}" if arg else f"NOT attributes:{name}"
        if matcher == "equals":
            return f"{attr} = {_text(arg)}"
        if matcher == "anything-but":
            items = arg if isinstance(arg, list) else [arg]
            unequal = " AND ".join(f"{attr} != {_text(v)}" for v in items)
            return f"(attributes:{name} AND {unequal})"
        raise _Refused(f"matcher {matcher!r} (Pub/Sub filters have no {matcher} test)")
    return f"{attr} = {_text(spec)}"


def pubsub_filter(fn: Function, filt: dict[str, Any]) -> tuple[str, list[Diagnostic]]:
    """``{"kind": ["a", "b"], "region": "eu"}`` → ``(attributes.kind = "a" OR attributes.kind
    = "b") AND attributes.region = "eu"``; or the refusal."""
    try:
        tests = [_test(k, v) for k, v in sorted(filt.items())]
    except _Refused as why:
        return "", [
            Diagnostic(
                "FIAC503",
                f"the filter of topic function {fn.name!r} cannot become a Pub/Sub "
                f"subscription filter: {why}",
                'filter on attributes with {"attr": "value"}, {"attr": ["a", "b"]}, '
                '{"attr": [{"prefix": "x"}]}, exists or anything-but',
                fn.source,
                f"functions.{fn.name}.trigger.filter",
            )
        ]
    return " AND ".join(tests), []
