"""``RetryOptions`` at compile time: faas_iac's and ``azure.durable_functions``' alike, as a
module constant, a local variable or inline, with positional or keyword arguments.

The user's class is never called: its arguments are read from the source (bound by the class's
own signature) and must be constants, since Step Functions' ``Retry`` and Workflows' retry
policy take numbers, not expressions. A value computed at run time is refused, naming it.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..runtime.durable import RetryOptions
from . import ir
from .refusals import Refusal, refuse

#: What the Durable Functions extension assumes for a field Azure's class does not have.
_DEFAULTS: dict[str, Any] = {
    "backoff_coefficient": 1.0,
    "max_retry_interval_in_milliseconds": None,
    "retry_timeout_in_milliseconds": None,
}


def is_retry_class(obj: object) -> bool:
    """faas_iac's ``RetryOptions`` or the one of ``azure.durable_functions``."""
    if obj is RetryOptions:
        return True
    module = getattr(obj, "__module__", "") or ""
    return (
        inspect.isclass(obj)
        and obj.__name__ == "RetryOptions"
        and (module == "azure.durable_functions" or module.startswith("azure.durable_functions."))
    )


def global_value(node: ast.expr, globals_: dict[str, Any]) -> object:
    """What a name or a dotted name (``df.RetryOptions``) of the module refers to, or None."""
    if isinstance(node, ast.Name):
        return globals_.get(node.id)
    if isinstance(node, ast.Attribute):
        base = global_value(node.value, globals_)
        if inspect.ismodule(base):
            return getattr(base, node.attr, None)
    return None


def from_object(value: object, node: ast.AST, file: str) -> ir.Retry:
    """A ``RetryOptions`` instance (a module constant) → its IR."""
    fields = {
        name: getattr(value, name, default)
        for name, default in {
            "first_retry_interval_in_milliseconds": None,
            "max_number_of_attempts": None,
            **_DEFAULTS,
        }.items()
    }
    return _checked(fields, node, file)


@dataclass(frozen=True)
class Computed:
    """``RetryOptions`` whose values are computed at run time (each an expression): a retry
    policy cannot hold them, so the call is retried by a loop of the orchestration's own."""

    first_interval_ms: ir.Expr
    max_attempts: ir.Expr
    backoff_coefficient: ir.Expr
    max_interval_ms: ir.Expr


def from_call(
    node: ast.Call, cls: object, convert: Callable[[ast.expr], ir.Expr], file: str
) -> ir.Retry | Computed:
    """``RetryOptions(...)`` written in the source → its IR (a policy when the arguments are
    constants, else the expressions)."""
    if any(isinstance(a, ast.Starred) for a in node.args) or any(
        k.arg is None for k in node.keywords
    ):
        raise _refuse(node, file, "RetryOptions(*args / **kwargs)", "write the arguments out")
    try:
        bound = inspect.signature(cls).bind(  # type: ignore[arg-type]
            *node.args, **{k.arg: k.value for k in node.keywords if k.arg}
        )
    except TypeError as exc:
        raise _refuse(
            node,
            file,
            f"invalid RetryOptions: {exc}",
            "give first_retry_interval_in_milliseconds and max_number_of_attempts",
        ) from None
    fields: dict[str, Any] = dict(_DEFAULTS)
    computed: dict[str, ir.Expr] = {}
    for name, arg in bound.arguments.items():
        expr = convert(arg)
        value = ir.fold(expr)
        if value is ir.UNKNOWN:
            if name == "retry_timeout_in_milliseconds":
                raise _refuse(arg, file, "a computed retry timeout", "drop the retry timeout")
            computed[name] = expr
            continue
        if not (value is None or isinstance(value, int | float)):
            raise _refuse(arg, file, f"RetryOptions {name}=`{ast.unparse(arg)}`", "give a number")
        fields[name] = value
    policy = _checked({**fields, **{k: 1 for k in computed}}, node, file)
    if not computed:
        return policy

    def field(name: str, value: Any) -> ir.Expr:
        return computed.get(name, ir.Const(value))

    return Computed(
        field(
            "first_retry_interval_in_milliseconds",
            fields.get("first_retry_interval_in_milliseconds"),
        ),
        field("max_number_of_attempts", fields.get("max_number_of_attempts")),
        field("backoff_coefficient", fields["backoff_coefficient"]),
        field("max_retry_interval_in_milliseconds", fields["max_retry_interval_in_milliseconds"]),
    )


def _checked(fields: dict[str, Any], node: ast.AST, file: str) -> ir.Retry:
    try:
        options = RetryOptions(**fields)
    except (TypeError, ValueError) as exc:
        raise _refuse(
            node,
            file,
            f"invalid RetryOptions: {exc}",
            "give first_retry_interval_in_milliseconds > 0 and max_number_of_attempts >= 1",
        ) from None
    if options.retry_timeout_in_milliseconds is not None:
        raise _refuse(
            node,
            file,
            "RetryOptions retry_timeout_in_milliseconds has no Step Functions or Workflows form",
            "drop the retry timeout (bound the attempts instead), or run this orchestrator on "
            "the local or azure target",
        )
    return ir.Retry(
        int(options.max_number_of_attempts),
        int(options.first_retry_interval_in_milliseconds),
        float(options.backoff_coefficient),
        None
        if options.max_retry_interval_in_milliseconds is None
        else int(options.max_retry_interval_in_milliseconds),
    )


def _refuse(node: ast.AST, file: str, what: str, fix: str) -> Refusal:
    return refuse("FIAC608", what, fix, file, node)
