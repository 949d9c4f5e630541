"""Subscription filters from the portable pattern language (``faas_iac.local.patterns``):
topic filters → Service Bus SQL filters; event patterns → Event Grid filters. Pure; what a
target cannot express is refused (FIAC405, FIAC408), never dropped."""

from __future__ import annotations

from typing import Any

from faas_iac.errors import FaasError
from faas_iac.model import Function


def _sql_literal(value: Any, fn: Function) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise _filter_error(fn, f"value {value!r} is neither text, a number nor a boolean")


def _filter_error(fn: Function, why: str) -> FaasError:
    return FaasError.one(
        "FIAC405",
        f"the filter of topic function {fn.name!r} cannot become a Service Bus SQL filter: {why}",
        fix='filter on message attributes with {"attr": "value"} or {"attr": ["a", "b"]}',
        location=fn.source,
        path=f"functions.{fn.name}.trigger.filter",
    )


def _sql_matcher(column: str, matcher: dict[str, Any], fn: Function) -> str:
    if len(matcher) != 1:
        raise _filter_error(fn, f"matcher {matcher!r} has more than one test")
    ((name, arg),) = matcher.items()
    like = {"prefix": "{0}%", "suffix": "%{0}"}
    if name in like and isinstance(arg, str):
        escaped = arg.replace("'", "''").replace("%", "[%]").replace("_", "[_]")
        return f"{column} LIKE '{like[name].format(escaped)}'"
    if name == "exists":
        return f"{column} IS NOT NULL" if arg else f"{column} IS NULL"
    if name == "equals":
        return f"{column} = {_sql_literal(arg, fn)}"
    if name == "anything-but":
        items = arg if isinstance(arg, list) else [arg]
        return f"{column} NOT IN ({', '.join(_sql_literal(v, fn) for v in items)})"
    if name == "numeric" and isinstance(arg, list) and len(arg) % 2 == 0:
        ops = {"=", ">", ">=", "<", "<="}
        parts = []
        for op, bound in zip(arg[0::2], arg[1::2], strict=True):
            if op not in ops or isinstance(bound, bool) or not isinstance(bound, int | float):
                raise _filter_error(fn, f"numeric test {op!r} {bound!r}")
            parts.append(f"{column} {op} {bound!r}")
        return " AND ".join(parts)
    raise _filter_error(fn, f"matcher {name!r}")


def sql_filter(filt: dict[str, Any], fn: Function) -> str:
    """``{"kind": ["a", "b"], "region": "eu"}`` → ``kind IN ('a', 'b') AND region = 'eu'``;
    matchers (prefix, suffix, exists, anything-but, numeric, equals) become LIKE, IS NULL,
    NOT IN and comparisons."""
    clauses = []
    for key, value in sorted(filt.items()):
        if not key.replace("_", "").replace("-", "").replace(".", "").isalnum():
            raise _filter_error(fn, f"attribute name {key!r} is not a plain identifier")
        column = f"[{key}]" if "-" in key or "." in key else key
        items = value if isinstance(value, list) else [value]
        if not items:
            raise _filter_error(fn, f"attribute {key!r} lists no values")
        plain = [v for v in items if not isinstance(v, dict)]
        tests = [_sql_matcher(column, m, fn) for m in items if isinstance(m, dict)]
        if plain:
            literals = ", ".join(_sql_literal(v, fn) for v in plain)
            tests.insert(
                0,
                f"{column} IN ({literals})"
                if len(plain) > 1 or isinstance(value, list)
                else f"{column} = {literals}",
            )
        clauses.append(tests[0] if len(tests) == 1 else "(" + " OR ".join(tests) + ")")
    return " AND ".join(clauses)


_NUMERIC_OPS = {
    ">": "NumberGreaterThan",
    ">=": "NumberGreaterThanOrEquals",
    "<": "NumberLessThan",
    "<=": "NumberLessThanOrEquals",
}


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _pattern_error(fn: Function, path: str, why: str) -> FaasError:
    return FaasError.one(
        "FIAC408",
        f"event pattern {path} of {fn.name!r} has no Event Grid filter: {why}",
        fix="per key use one kind of test: values (one kind: text, numbers or a boolean), "
        "prefix, suffix, exists, anything-but, or numeric comparisons",
        location=fn.source,
        path=f"functions.{fn.name}.trigger.pattern.{path}",
    )


def advanced_filters(key: str, spec: Any, fn: Function, path: str) -> list[dict[str, Any]]:
    """One pattern value (the language of ``faas_iac.local.patterns``) as Event Grid advanced
    filters on ``key`` (several filters on a key are ANDed, as the pattern's tests are)."""
    items = spec if isinstance(spec, list) else [spec]
    matchers = [i for i in items if isinstance(i, dict)]
    values = [i for i in items if not isinstance(i, dict)]
    if (matchers and values) or len(matchers) > 1:
        raise _pattern_error(fn, path, "alternatives mixing values and matchers cannot be ORed")
    if values:
        if all(isinstance(v, str) for v in values):
            return [{"key": key, "operator_type": "StringIn", "values": values}]
        if all(_number(v) for v in values):
            return [{"key": key, "operator_type": "NumberIn", "values": values}]
        if len(values) == 1 and isinstance(values[0], bool):
            return [{"key": key, "operator_type": "BoolEquals", "value": values[0]}]
        raise _pattern_error(fn, path, "values of several kinds")
    if not matchers or len(matchers[0]) != 1:
        raise _pattern_error(fn, path, "a matcher has exactly one test")
    ((name, arg),) = matchers[0].items()
    if name in ("prefix", "suffix") and isinstance(arg, str):
        op = "StringBeginsWith" if name == "prefix" else "StringEndsWith"
        return [{"key": key, "operator_type": op, "values": [arg]}]
    if name == "exists":
        return [{"key": key, "operator_type": "IsNotNull" if arg else "IsNullOrUndefined"}]
    if name == "equals":
        return advanced_filters(key, [arg], fn, path)
    if name == "anything-but":
        excluded = arg if isinstance(arg, list) else [arg]
        if all(isinstance(v, str) for v in excluded):
            return [{"key": key, "operator_type": "StringNotIn", "values": excluded}]
        if all(_number(v) for v in excluded):
            return [{"key": key, "operator_type": "NumberNotIn", "values": excluded}]
        raise _pattern_error(fn, path, "anything-but of several kinds")
    if name == "numeric" and isinstance(arg, list) and len(arg) % 2 == 0:
        out = []
        for op, bound in zip(arg[0::2], arg[1::2], strict=True):
            if op == "=":
                out.append({"key": key, "operator_type": "NumberIn", "values": [bound]})
            elif op in _NUMERIC_OPS and _number(bound):
                out.append({"key": key, "operator_type": _NUMERIC_OPS[op], "value": bound})
            else:
                raise _pattern_error(fn, path, f"numeric test {op!r} {bound!r}")
        return out
    raise _pattern_error(fn, path, f"matcher {name!r}")


def event_filter(pattern: dict[str, Any], fn: Function) -> dict[str, Any]:
    """An event pattern as an Event Grid filter: ``type`` → event types, ``source`` → subject
    (events are published with the source as subject), ``detail`` → ``data.*`` keys."""
    filt: dict[str, Any] = {}
    advanced: list[dict[str, Any]] = []

    def walk(prefix: str, spec: dict[str, Any], path: str) -> None:
        for key, value in sorted(spec.items()):
            if isinstance(value, dict) and not (
                len(value) == 1
                and next(iter(value))
                in {"prefix", "suffix", "exists", "anything-but", "numeric", "equals"}
            ):
                walk(f"{prefix}{key}.", value, f"{path}{key}.")
            else:
                advanced.extend(advanced_filters(f"{prefix}{key}", value, fn, f"{path}{key}"))

    for key, value in sorted(pattern.items()):
        if key == "type" and isinstance(value, list) and all(isinstance(v, str) for v in value):
            filt["included_event_types"] = list(value)
        elif key == "type":
            advanced.extend(advanced_filters("EventType", value, fn, "type"))
        elif key == "source":
            advanced.extend(advanced_filters("Subject", value, fn, "source"))
        elif key == "detail" and isinstance(value, dict):
            walk("data.", value, "detail.")
        else:
            raise _pattern_error(fn, key, "match on type, source and detail only")
    if advanced:
        if len(advanced) > 25:
            raise _pattern_error(fn, "", "more than 25 tests (Event Grid's limit)")
        filt["advanced_filters"] = advanced
    return filt
