"""What every target refuses alike in an orchestrator, found when the model is built (so
``validate``, ``dev`` and every ``plan`` / ``compile`` report it, each problem at the line of the
call): a call to an activity or sub-orchestrator no function defines (FIAC145), and
``RetryOptions`` values no target accepts, faas_iac's or ``azure.durable_functions``' (FIAC146).

Reads the orchestrator's source (never runs it) and the module constants it names. Only what is
written as a literal (or a module constant) is checked; a name or retry policy computed at run
time is left to the targets (the translator refuses it where a target needs it known).
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple

from ..errors import Diagnostic, shown_path
from ..runtime.durable import retry_problems
from .report import Collector, suggest

#: method of the orchestration context → the kind of function it calls
CALLS = {
    "call_activity": "activity",
    "call_activity_with_retry": "activity",
    "call_sub_orchestrator": "orchestrator",
    "call_sub_orchestrator_with_retry": "orchestrator",
}
#: RetryOptions' arguments in order (azure.durable_functions' class takes the first two)
RETRY_FIELDS = (
    "first_retry_interval_in_milliseconds",
    "max_number_of_attempts",
    "backoff_coefficient",
    "max_retry_interval_in_milliseconds",
    "retry_timeout_in_milliseconds",
)


class Orchestrator(NamedTuple):
    name: str
    handler: Callable[..., Any]


def check(
    orchestrators: Iterable[Orchestrator], names: Mapping[str, Iterable[str]], out: Collector
) -> None:
    """Report every unknown call target and invalid retry value of every orchestrator.
    ``names``: kind (``activity``, ``orchestrator``) → the functions of that kind."""
    known = {kind: sorted(found) for kind, found in names.items()}
    for orch in orchestrators:
        source = _source(orch.handler) if inspect.isgeneratorfunction(orch.handler) else None
        if source is None:
            continue  # not a generator (FIAC140), or unreadable: the translator says so
        tree, file = source
        globals_: dict[str, Any] = getattr(orch.handler, "__globals__", {})
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        for node in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):
            where = f"{file}:{node.lineno}"
            kind = CALLS.get(node.func.attr) if isinstance(node.func, ast.Attribute) else None
            if kind is not None:
                _check_target(orch.name, node, kind, known.get(kind, []), globals_, where, out)
                retry = (
                    _argument(node, 1, "retry_options") if _attr(node).endswith("retry") else None
                )
                if isinstance(retry, ast.Name):
                    _check_retry(orch.name, _constant_fields(globals_.get(retry.id)), where, out)
            elif _callee(node) == "RetryOptions":
                _check_retry(orch.name, _literal_fields(node), where, out)


def _source(handler: Callable[..., Any]) -> tuple[ast.AST, str] | None:
    try:
        lines, start = inspect.getsourcelines(handler)
        file = inspect.getsourcefile(handler) or "?"
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except (OSError, TypeError, SyntaxError):
        return None
    ast.increment_lineno(tree, start - 1)
    return tree, shown_path(file)


def _attr(node: ast.Call) -> str:
    return node.func.attr if isinstance(node.func, ast.Attribute) else ""


def _callee(node: ast.Call) -> str:
    if isinstance(node.func, ast.Name):
        return node.func.id
    return _attr(node)


def _argument(node: ast.Call, index: int, keyword: str) -> ast.expr | None:
    if len(node.args) > index:
        return node.args[index]
    return next((k.value for k in node.keywords if k.arg == keyword), None)


def _check_target(
    orchestrator: str,
    node: ast.Call,
    kind: str,
    known: list[str],
    globals_: Mapping[str, Any],
    where: str,
    out: Collector,
) -> None:
    arg = _argument(node, 0, "name")
    if isinstance(arg, ast.Constant):
        name = arg.value
    elif isinstance(arg, ast.Name):
        name = globals_.get(arg.id)
    else:
        return
    if not isinstance(name, str) or name in known:
        return
    hint = suggest(name, known)
    listed = ", ".join(known) or "none"
    out.problems.append(
        _diagnostic(
            "FIAC145",
            f"orchestrator {orchestrator!r} calls {kind} {name!r}, which no {kind} of the app "
            "defines",
            (f"{hint} " if hint else "") + f"declare it with @app.{kind}, or call one of the "
            f"app's {kind} functions ({listed})",
            where,
            orchestrator,
        )
    )


def _literal_fields(node: ast.Call) -> dict[str, object]:
    """The arguments of a ``RetryOptions(...)`` call written as literals, by field name."""
    pairs: Iterator[tuple[str | None, ast.expr]] = iter(
        [*zip(RETRY_FIELDS, node.args, strict=False), *((k.arg, k.value) for k in node.keywords)]
    )
    fields: dict[str, object] = {}
    for name, value in pairs:
        if name is None:
            continue
        try:
            fields[name] = ast.literal_eval(value)
        except ValueError:
            continue  # computed at run time: a target that needs a constant refuses it
    return fields


def _constant_fields(value: object) -> dict[str, object]:
    """The fields of a module-level ``RetryOptions`` constant (any class with those names)."""
    return {name: getattr(value, name) for name in RETRY_FIELDS[:3] if hasattr(value, name)}


def _check_retry(orchestrator: str, fields: dict[str, object], where: str, out: Collector) -> None:
    for problem in retry_problems(fields):
        out.problems.append(
            _diagnostic(
                "FIAC146",
                f"invalid RetryOptions in orchestrator {orchestrator!r}: {problem}",
                "give first_retry_interval_in_milliseconds > 0, max_number_of_attempts >= 1 "
                "and backoff_coefficient >= 1.0",
                where,
                orchestrator,
            )
        )


def _diagnostic(code: str, message: str, fix: str, where: str, orchestrator: str) -> Diagnostic:
    return Diagnostic(code, message, fix, where, f"functions.{orchestrator}")
