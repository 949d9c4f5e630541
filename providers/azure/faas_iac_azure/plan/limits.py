"""What each Azure hosting plan can give, checked before anything is planned: instance memory
(per plan, and per SKU on Elastic Premium), scale-out and always-ready instance counts, and the
response time of HTTP functions. A value the plan cannot honour is refused with the plan's
limit, never clamped; every refusal of the app is reported at once (one ``NotExpressible``).

Limits, from Azure Functions' service limits (Linux): Flex Consumption instances of 512, 2048
or 4096 MB, up to 1000 instances; Consumption instances of 1.5 GB, up to 100 instances, no
always-ready instances, 10 minutes per run; Elastic Premium EP1/EP2/EP3 of 3.5/7/14 GB, up to
100 instances, up to 20 always-ready. Whatever the plan, the front end answers an HTTP request
after 230 s.
"""

from __future__ import annotations

from faas_iac.errors import Diagnostic, NotExpressible
from faas_iac.model import AppModel, Function

from .options import AzureOptions

#: Flex Consumption instance sizes (MB).
FLEX_MEMORY = (512, 2048, 4096)
CONSUMPTION_MEMORY = 1536
PREMIUM_MEMORY = {"EP1": 3584, "EP2": 7168, "EP3": 14336}
MAX_INSTANCES = {"flex": 1000, "consumption": 100, "premium": 100}
PREMIUM_ALWAYS_READY = 20
#: Linux Consumption stops a function after at most 10 minutes.
CONSUMPTION_TIMEOUT_S = 600
#: The Azure front end's idle timeout: an HTTP function must answer within it.
HTTP_RESPONSE_S = 230
PLAN_NAMES = {
    "flex": "Flex Consumption",
    "consumption": "Consumption",
    "premium": "Elastic Premium",
}


def instance_memory(opts: AzureOptions) -> int:
    """The most memory one instance of the plan (and SKU) has, in MB."""
    if opts.plan == "flex":
        return FLEX_MEMORY[-1]
    if opts.plan == "consumption":
        return CONSUMPTION_MEMORY
    return PREMIUM_MEMORY.get(opts.sku_name, PREMIUM_MEMORY["EP3"])


def _plan_name(opts: AzureOptions) -> str:
    name = PLAN_NAMES[opts.plan]
    return f"{name} {opts.sku_name}" if opts.plan == "premium" else name


def _memory(fn: Function, opts: AzureOptions) -> Diagnostic | None:
    limit = instance_memory(opts)
    if fn.memory <= limit:
        return None
    bigger = [sku for sku, mb in PREMIUM_MEMORY.items() if mb >= fn.memory]
    if opts.plan == "premium" and bigger:
        fix = f"compile with sku={bigger[0]}, or lower memory= to {limit} or less"
    elif opts.plan != "premium" and fn.memory <= PREMIUM_MEMORY["EP3"]:
        fix = f"lower memory= to {limit} or less, or compile with plan=premium (up to 14336 MB)"
    else:
        fix = f"lower memory= to {limit} or less"
    return Diagnostic(
        "FIAC414",
        f"{_plan_name(opts)} instances have at most {limit} MB; {fn.name!r} asks for "
        f"{fn.memory} MB",
        fix,
        fn.source,
        f"functions.{fn.name}.memory",
    )


def _instances(fn: Function, opts: AzureOptions) -> list[Diagnostic]:
    found = []
    most = MAX_INSTANCES[opts.plan]
    path = f"functions.{fn.name}.scaling"
    if fn.scaling.max_instances is not None and fn.scaling.max_instances > most:
        found.append(
            Diagnostic(
                "FIAC415",
                f"{_plan_name(opts)} scales out to at most {most} instances; {fn.name!r} asks "
                f"for max_instances={fn.scaling.max_instances}",
                f"lower max_instances= to {most} or less"
                + ("" if opts.plan == "flex" else ", or compile with plan=flex (up to 1000)"),
                fn.source,
                f"{path}.max_instances",
            )
        )
    ready = fn.scaling.min_instances
    if ready and opts.plan == "consumption":
        found.append(
            Diagnostic(
                "FIAC415",
                f"the Consumption plan has no always-ready instances; {fn.name!r} asks for "
                f"min_instances={ready}",
                "compile with plan=flex or plan=premium, or drop min_instances=",
                fn.source,
                f"{path}.min_instances",
            )
        )
    if opts.plan == "premium" and ready > PREMIUM_ALWAYS_READY:
        found.append(
            Diagnostic(
                "FIAC415",
                f"Elastic Premium keeps at most {PREMIUM_ALWAYS_READY} always-ready instances; "
                f"{fn.name!r} asks for min_instances={ready}",
                f"lower min_instances= to {PREMIUM_ALWAYS_READY} or less",
                fn.source,
                f"{path}.min_instances",
            )
        )
    return found


def _timeout(fn: Function, opts: AzureOptions) -> Diagnostic | None:
    """The tighter of the Consumption plan's run time and the HTTP front end's answer time."""
    path = f"functions.{fn.name}.timeout"
    if fn.trigger.type == "http" and fn.timeout > HTTP_RESPONSE_S:
        return Diagnostic(
            "FIAC403",
            f"HTTP function {fn.name!r} has timeout {fn.timeout} s, but Azure's front end "
            f"answers an HTTP request after {HTTP_RESPONSE_S} s whatever the plan",
            f"lower timeout= to {HTTP_RESPONSE_S} or less; for longer work, start a durable "
            "orchestration and answer with its status links (durable_client=True)",
            fn.source,
            path,
        )
    if opts.plan == "consumption" and fn.timeout > CONSUMPTION_TIMEOUT_S:
        return Diagnostic(
            "FIAC403",
            f"function {fn.name!r} has timeout {fn.timeout} s; the Consumption plan stops "
            f"functions after {CONSUMPTION_TIMEOUT_S} s",
            "lower the timeout, or compile with plan=flex (default) or plan=premium",
            fn.source,
            path,
        )
    return None


def check_limits(app: AppModel, opts: AzureOptions) -> None:
    """Refuse, all at once, what the hosting plan cannot give the app's functions."""
    problems: list[Diagnostic] = []
    for fn in app.functions:
        memory = _memory(fn, opts)
        problems += [memory] if memory else []
        problems += _instances(fn, opts)
        timeout = _timeout(fn, opts)
        problems += [timeout] if timeout else []
    if problems:
        raise NotExpressible(problems)
