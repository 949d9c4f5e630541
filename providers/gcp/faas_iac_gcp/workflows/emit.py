"""The IR of one orchestrator → a GCP Workflows definition (a YAML-ready dict).

Activities are ``http.post`` calls to their Cloud Functions (OIDC-authenticated); a variable
that only ever holds an activity's result keeps the whole HTTP response and is read as
``name.body``, so no step is spent unwrapping it. Consecutive assignments share one ``assign``
step, and assignments just before a ``return`` fold into it. Sub-orchestrators of the same app
become subworkflows of the same definition; ``continue_as_new`` starts a new execution of this
workflow through the Workflow Executions connector; custom status is a Firestore write through
its connector; external events are callback endpoints registered with the app's callback
registry (:mod:`faas_iac_gcp.runtime.callbacks`) under ``"<execution id>#<event name>"``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from faas_iac.translate import ir
from faas_iac.translate.formats import parse_spec
from faas_iac.translate.kinds import infer
from faas_iac.translate.refusals import refuse

from . import errors, jsontext, texts, waits
from .expr import Renderer, Unexpressible, value, var_name
from .names import Names

#: Workflows keeps at most this many assignments in one assign step.
MAX_ASSIGNS = 50
#: A while loop is a ``for`` over a range this long with a ``break``: longer than any
#: execution can run (an execution stops at 100,000 steps).
LOOP_BOUND = 100_000
RETRY_ALWAYS = "retry_always"
#: The table of activity URLs a call whose activity name is computed looks up.
FUNCTIONS = "__functions"
EXECUTION_ID = 'sys.get_env("GOOGLE_CLOUD_WORKFLOW_EXECUTION_ID")'
#: The instance id, in a definition that continues as new (the first execution's id, carried
#: in the argument of each execution it continues as: :data:`CARRIED`).
INSTANCE = "__instance"
PARENT = "__parent"
CARRIED = "__faas_iac_instance"
PROJECT = 'sys.get_env("GOOGLE_CLOUD_PROJECT_ID")'


@dataclass
class _Assign:
    entries: list[tuple[str, ir.Expr]] = field(default_factory=list)


Emitted = dict[str, Any]  # {step name: body}; a body may hold an _Assign until rendered


class Builder:
    def __init__(
        self, wf: ir.Workflow, names: Names, children: Mapping[str, ir.Workflow] | None = None
    ) -> None:
        self.wf = wf
        self.children = children or {}
        self.names = names
        self.env = infer(wf)
        self.responses = _response_vars(wf)
        self.r = Renderer(self.env, self.responses)
        self.used: set[str] = set()
        self.helpers: set[str] = set()
        #: inside a ``try`` whose ``except`` reads the error or takes only some: each call's
        #: failure is rewritten as a caught error value (:mod:`.errors`)
        self.rewrite_errors = 0
        self.functions: dict[str, str] = {}  # activity → URL, for names computed at run time
        self.declared: set[str] = {ir.INPUT}
        self.line = wf.line
        self.counter = 0
        self.jump_targets: set[str] = set()  # steps a "next" goes to: never folded away
        #: the instance id is carried from execution to execution: it continues as new and
        #: reads its instance id (the id itself, the status document, the events' registry key)
        steps = ir.walk(wf.steps)
        keyed = wf.uses_status or reads_builtin(wf, "instance_id")
        waits_for_events = any(isinstance(s, ir.WaitEvent | ir.Race) for s in steps)
        continues = any(isinstance(s, ir.ContinueAsNew) for s in steps)
        self.carries = continues and (keyed or waits_for_events)
        self.r.instance = INSTANCE if self.carries else EXECUTION_ID

    def as_child(self) -> tuple[str, ...]:
        """Build this workflow as a sub-orchestration (a subworkflow): its instance id and its
        parent's come as the parameters it returns (those it reads)."""
        self.carries = False
        self.r.instance, self.r.parent = None, PARENT
        params: tuple[str, ...] = ()
        if reads_builtin(self.wf, "parent_instance_id"):
            params += (PARENT,)
        if reads_builtin(self.wf, "instance_id"):
            params += (INSTANCE,)
            self.r.instance = INSTANCE
        return params

    def key(self) -> str:
        """The registry and status key of this instance: its instance id (in a child, the
        execution's, as before)."""
        return self.r.instance or EXECUTION_ID if self.carries else EXECUTION_ID

    def fail(self, exc: Unexpressible) -> Exception:
        return refuse(
            "FIAC615",
            f"not expressible in GCP Workflows: {exc}",
            "rewrite that expression, compute it in an activity, or compile this "
            "orchestrator for aws / azure / local",
            self.wf.file,
            self.line,
        )

    def val(self, e: ir.Expr) -> Any:
        try:
            return value(e, self.r)
        except Unexpressible as exc:
            raise self.fail(exc) from None

    def await_call(self, step: ir.WaitEvent, callback: str, result: str) -> dict[str, Any]:
        """The call that waits for ``step``'s event on ``callback``. A timeout written as a
        number goes to ``events.await_callback`` (its schema takes a number only); one
        computed at run time to the :mod:`.waits` helper, which waits in constant chunks."""
        args: dict[str, Any] = {"callback": "${" + callback + "}"}
        seconds = 31_536_000 if step.timeout_seconds is None else self.val(step.timeout_seconds)
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            self.helpers.add(waits.HELPER)
            return {"call": waits.HELPER, "args": {**args, "seconds": seconds}, "result": result}
        return {
            "call": "events.await_callback",
            "args": {**args, "timeout": seconds},
            "result": result,
        }

    def expr(self, e: ir.Expr) -> str:
        try:
            return "${" + self.r.render(e) + "}"
        except Unexpressible as exc:
            raise self.fail(exc) from None

    def cond(self, e: ir.Expr) -> str:
        try:
            return "${" + self.r.truthy(e) + "}"
        except Unexpressible as exc:
            raise self.fail(exc) from None

    def name(self, base: str) -> str:
        base = "".join(c if c.isalnum() or c == "_" else "_" for c in base)
        if base in ("break", "continue", "end"):  # ``next`` targets with a meaning of their own
            base += "_step"
        name, n = base, 1
        while name in self.used:
            n += 1
            name = f"{base}_{n}"
        self.used.add(name)
        return name

    # -- steps --------------------------------------------------------------------------------
    def assign(self, out: list[Emitted], target: str, e: ir.Expr) -> None:
        self.declared.add(target)
        if out:
            body = next(iter(out[-1].values()))
            if (
                isinstance(body.get("assign"), _Assign)
                and len(body) == 1
                and len(body["assign"].entries) < MAX_ASSIGNS
            ):
                body["assign"].entries.append((target, e))
                return
        out.append({self.name("assign"): {"assign": _Assign([(target, e)])}})

    def _Assign(self, step: ir.Assign, out: list[Emitted]) -> None:
        match step.value:
            case ir.Builtin("format", (value, ir.Const(str(text)))):
                try:
                    spec = parse_spec(text)
                except ValueError as exc:
                    raise self.fail(Unexpressible(str(exc))) from None
                args = {"v": self.val(value), **texts.format_args(spec)}
                self._helper(texts.FORMAT, args, step.target, out)
                return
            case ir.Builtin("title", (value,)):
                self._helper(texts.TITLE, {"s": self.val(value)}, step.target, out)
                return
            case ir.Builtin("json_dumps", (value, ir.Const(bool(sort)))):
                self._helper(jsontext.DUMPS, {"v": self.val(value), "sort": sort}, step.target, out)
                return
        self.val(step.value)  # refuse here, at this line, if Workflows cannot express it
        self.assign(out, step.target, step.value)

    def _helper(self, name: str, args: dict[str, Any], target: str, out: list[Emitted]) -> None:
        """A call of one of the definition's helper subworkflows, its result in ``target``."""
        self.helpers.add(name)
        self.declared.add(target)
        step = {"call": name, "args": args, "result": var_name(target)}
        out.append({self.name(name.removeprefix("faas_iac_")): step})

    def _http(self, call: ir.Call, body: ir.Expr, result: str | None) -> dict[str, Any]:
        if call.kind == "entity":  # the operation itself is the entity function's request
            url = self._entity_url(call.name)
            args: dict[str, Any] = {"url": url, "body": self.val(body)}
        else:
            url = self.names.function(call.name) if call.name_expr is None else self._url(call)
            args = {"url": url, "body": {"input": self.val(body)}}
        if self.names.auth:
            args["auth"] = {"type": "OIDC"}
        step: dict[str, Any] = {"call": "http.post", "args": args}
        if result:
            step["result"] = result
        return step

    def _entity_url(self, name: str) -> str:
        if name not in self.names.entities:
            raise refuse(
                "FIAC610",
                f"{self.wf.name} operates on the durable entity {name!r}, whose function has no "
                "URL in this deployment",
                "declare the entity with @app.entity in the same app",
                self.wf.file,
                self.line,
            )
        return self.names.entities[name]

    def _url(self, call: ir.Call) -> str:
        """The URL of an activity whose name is computed: from a table of the candidates
        (:data:`FUNCTIONS`, assigned at the start of the definition)."""
        assert call.name_expr is not None
        for n in call.name.split(","):
            self.functions[n] = self.names.function(n)
        return "${" + FUNCTIONS + "[" + self.r.render(call.name_expr) + "]}"

    def _named_child(self, call: ir.Call, result: str | None) -> dict[str, Any]:
        """A sub-orchestrator whose name is computed: a switch over the candidates (a name
        that is none of them raises KeyError, as a lookup would)."""
        assert call.name_expr is not None
        name = self.expr(call.name_expr)[2:-1]
        branches: list[dict[str, Any]] = []
        for n in call.name.split(","):
            one = dataclasses.replace(call, name=n, name_expr=None, retry=None)
            step = {self.name(n): self._call(one, result, rewrite=False)}
            branches.append(
                {"condition": "${" + name + " == " + json.dumps(n) + "}", "steps": [step]}
            )
        unknown = {"message": "${" + name + "}", "tags": ["KeyError"]}
        branches.append({"condition": True, "raise": unknown})
        return {"steps": [{self.name("which_orchestrator"): {"switch": branches}}]}

    def _label(self, call: ir.Call) -> str:
        """``str(error)``'s start for a failure of ``call`` (the name computed or not)."""
        if call.name_expr is None:
            return errors.label(call.kind, call.name)
        start, end = json.dumps(errors.LABELS[call.kind] + " '"), json.dumps("' failed: ")
        return "${" + start + " + " + self.r.render(call.name_expr) + " + " + end + "}"

    def _call(self, call: ir.Call, result: str | None, rewrite: bool = True) -> dict[str, Any]:
        if call.kind == "orchestrator" and call.name_expr is not None:
            step: dict[str, Any] = self._named_child(call, result)
        elif call.kind == "orchestrator":
            param = (
                var_name(param_of(self.children[call.name]))
                if call.name in self.children
                else ir.INPUT
            )
            step = {"call": call.name, "args": {param: self.val(call.input), **self._ids(call)}}
            if result:
                step["result"] = result
        else:
            step = self._http(call, call.input, result)
        if call.retry is not None:
            self.helpers.add(RETRY_ALWAYS)
            step = {"try": step, "retry": retry_policy(call.retry)}
        if not (self.rewrite_errors and rewrite):
            return step
        self.helpers.add(errors.HELPER)
        title = call.name if call.name_expr is None else call.kind
        names = [self.name(f"failed_{title}"), self.name(f"raise_{title}")]
        return errors.rewritten(step, self._label(call), names)

    def _ids(self, call: ir.Call) -> dict[str, Any]:
        """The instance ids a child reads: its parent's (this instance) and its own."""
        child = self.children.get(call.name)
        if child is None:
            return {}
        ids: dict[str, Any] = {}
        if reads_builtin(child, "parent_instance_id"):
            ids[PARENT] = self.expr(ir.Builtin("instance_id", ()))
        if reads_builtin(child, "instance_id"):
            if call.instance is None:
                raise self.fail(
                    Unexpressible(
                        f"sub-orchestrator {call.name!r} reads ctx.instance_id and is started "
                        "without one (the local engine numbers it by task); pass instance_id"
                    )
                )
            ids[INSTANCE] = self.val(call.instance)
        return ids

    def _Task(self, step: ir.Task, out: list[Emitted]) -> None:
        target = step.target
        kind = step.call.kind
        direct = target is None or (target in self.responses and kind == "activity")
        direct = direct or kind == "orchestrator"
        result = (
            var_name(target)
            if target and direct
            else (f"{var_name(target)}_response" if target else None)
        )
        out.append({self.name(step.call.name): self._call(step.call, result)})
        if target:
            self.declared.add(target)
            if not direct:  # an entity answers {"result": ...}
                got = f"{result}.body" + ('["result"]' if kind == "entity" else "")
                self.assign(out, target, ir.Native(got))

    def _FanOut(self, step: ir.FanOut, out: list[Emitted]) -> None:
        inner: list[Emitted] = []
        result = "__r" if step.target else None
        call = self._call(step.call, result)
        inner.append({self.name(step.call.name): call})
        loop: dict[str, Any] = {"value": var_name(step.var), "in": self.val(step.source)}
        parallel: dict[str, Any] = {}
        if step.target:
            self.assign(out, step.target, step.source)  # a list of the right length
            loop["index"] = "__i"
            got = "__r" if step.call.kind == "orchestrator" else "__r.body"
            inner.append(
                {
                    self.name("keep"): {
                        "assign": [{f"{var_name(step.target)}[__i]": "${" + got + "}"}]
                    }
                }
            )
            parallel["shared"] = [var_name(step.target)]
        loop["steps"] = inner
        parallel["for"] = loop
        out.append({self.name(f"each_{step.call.name}"): {"parallel": parallel}})

    def _Parallel(self, step: ir.Parallel, out: list[Emitted]) -> None:
        branches = []
        for i, call in enumerate(step.calls):
            steps: list[Emitted] = []
            result = f"__r{i}" if step.target else None
            steps.append({self.name(call.name): self._call(call, result)})
            if step.target:
                got = f"__r{i}" if call.kind == "orchestrator" else f"__r{i}.body"
                steps.append(
                    {
                        self.name("keep"): {
                            "assign": [{f"{var_name(step.target)}[{i}]": "${" + got + "}"}]
                        }
                    }
                )
            branches.append({self.name(f"branch_{call.name}"): {"steps": steps}})
        parallel: dict[str, Any] = {"branches": branches}
        if step.target:
            self.assign(out, step.target, ir.Const([None] * len(step.calls)))
            parallel["shared"] = [var_name(step.target)]
        title = "_and_".join(c.name for c in step.calls)
        out.append({self.name(title): {"parallel": parallel}})

    def _Timer(self, step: ir.Timer, out: list[Emitted]) -> None:
        if step.until is not None:  # at an instant (seconds since the epoch); a past one: now
            at = "${time.format(math.max(" + self.expr(step.until)[2:-1] + ", sys.now()))}"
            out.append({self.name("sleep"): {"call": "sys.sleep_until", "args": {"time": at}}})
            return
        out.append(
            {self.name("sleep"): {"call": "sys.sleep", "args": {"seconds": self.val(step.seconds)}}}
        )

    def endpoint(self, cb: str, step_name: str, out: list[Emitted]) -> str:
        """A callback endpoint (POST) in variable ``cb``."""
        create = {"args": {"http_callback_method": "POST"}, "result": cb}
        out.append({self.name(step_name): {"call": "events.create_callback_endpoint", **create}})
        return cb

    def timeout_except(self, err: str, suffix: str, on_timeout: Emitted) -> dict[str, Any]:
        """The ``except`` of a wait that may time out: any other error raised again, else
        ``on_timeout``."""
        again = {
            "condition": '${not("TimeoutError" in ' + err + ".tags)}",
            "raise": "${" + err + "}",
        }
        return {
            "as": err,
            "steps": [{self.name(f"not_timeout{suffix}"): {"switch": [again]}}, on_timeout],
        }

    def _callback(self, step: ir.WaitEvent, out: list[Emitted]) -> str:
        cb = self.endpoint(f"__cb_{step.event}", f"callback_{step.event}", out)
        register: dict[str, Any] = {
            "url": self.names.callbacks,
            "body": {
                "key": "${" + self.key() + ' + "#' + step.event + '"}',
                "url": "${" + cb + ".url}",
            },
        }
        if self.names.auth:
            register["auth"] = {"type": "OIDC"}
        out.append({self.name(f"register_{step.event}"): {"call": "http.post", "args": register}})
        return cb

    def _WaitEvent(self, step: ir.WaitEvent, out: list[Emitted]) -> None:
        cb = self._callback(step, out)
        ev = f"__ev_{step.event}"
        wait = self.await_call(step, cb, ev)
        got: list[tuple[str, ir.Expr]] = []
        winner = step.winner or ""
        if step.target:
            got.append((step.target, ir.Native(f"{ev}.http_request.body")))
            self.declared.add(step.target)
        if step.timeout_seconds is None:
            out.append({self.name(f"wait_{step.event}"): wait})
            for target, e in got:
                self.assign(out, target, e)
            return
        if step.winner:
            got.append((step.winner, ir.Const(step.event_tag)))
            self.declared.add(step.winner)
        lost: list[tuple[str, ir.Expr]] = [(t, ir.Const(None)) for t, _ in got if t != winner]
        if step.winner:
            lost.append((step.winner, ir.Const(step.timer_tag)))
        err = f"__err_{step.event}"
        out.append(
            {
                self.name(f"wait_{step.event}"): {
                    "try": {
                        "steps": [
                            {self.name(f"await_{step.event}"): wait},
                            {self.name(f"got_{step.event}"): {"assign": _Assign(got)}},
                        ]
                    },
                    "except": self.timeout_except(
                        err,
                        f"_{step.event}",
                        {self.name(f"timeout_{step.event}"): {"assign": _Assign(lost)}},
                    ),
                }
            }
        )

    def _SetStatus(self, step: ir.SetStatus, out: list[Emitted]) -> None:
        doc = (
            '${"projects/" + '
            + PROJECT
            + ' + "/databases/'
            + self.names.database
            + "/documents/"
            + self.names.status_collection
            + '/" + '
            + self.key()
            + "}"
        )
        try:
            text = (
                "${json.encode_to_string(" + self.r.render(step.value) + ")}"
                if not isinstance(step.value, ir.DictLit | ir.ListLit)
                else None
            )
        except Unexpressible as exc:
            raise self.fail(exc) from None
        if text is None:
            self.assign(out, "__status", step.value)
            text = "${json.encode_to_string(__status)}"
        out.append(
            {
                self.name("set_status"): {
                    "call": "googleapis.firestore.v1.projects.databases.documents.patch",
                    "args": {"name": doc, "body": {"fields": {"status": {"stringValue": text}}}},
                }
            }
        )

    def _Return(self, step: ir.Return, out: list[Emitted]) -> None:
        e = step.value
        if out and next(iter(out[-1])) not in self.jump_targets:
            body = next(iter(out[-1].values()))
            entries = body["assign"].entries if isinstance(body.get("assign"), _Assign) else []
            fresh = any(_has_builtin(v, "uuid") for _, v in entries)  # a copy would differ
            named = {t for t, _ in entries}  # a Native reads a variable by its name
            natives = [n.text for _, v in entries for n in _natives(v)]
            by_name = any(re.search(rf"\b{re.escape(t)}\b", x) for t in named for x in natives)
            into = any("[" in t for t in named)  # an item set: no variable to substitute
            if entries and len(body) == 1 and not fresh and not by_name and not into:
                folded = e
                for target, assigned in reversed(body["assign"].entries):
                    folded = ir.substitute(folded, {target: assigned})
                try:  # a map literal folded into an expression has no Workflows form
                    value(folded, self.r)
                except Unexpressible:
                    pass
                else:
                    e = folded
                    out.pop()
        out.append({self.name("done"): {"return": self.val(e)}})

    def _Raise(self, step: ir.Raise, out: list[Emitted]) -> None:
        message = self.val(ir.Builtin("str", (step.message,)))
        body = (
            errors.raised(step.error, message)
            if self.rewrite_errors
            else {"message": message, "tags": [step.error]}
        )
        out.append({self.name(f"raise_{step.error}"): {"raise": body}})

    def _Reraise(self, step: ir.Reraise, out: list[Emitted]) -> None:
        out.append({self.name("reraise"): {"raise": "${" + var_name(step.error_var) + "}"}})

    def _ContinueAsNew(self, step: ir.ContinueAsNew, out: list[Emitted]) -> None:
        parent = (
            '${"projects/" + ' + PROJECT + ' + "/locations/" + '
            'sys.get_env("GOOGLE_CLOUD_LOCATION") + "/workflows/" + '
            'sys.get_env("GOOGLE_CLOUD_WORKFLOW_ID")}'
        )
        argument = "__next_input"
        self.assign(out, argument, step.input)
        if self.carries:
            argument = "__next_argument"
            carried = ((CARRIED, ir.Var(INSTANCE)), ("input", ir.Var("__next_input")))
            self.assign(out, argument, ir.DictLit(carried))
        out.append(
            {
                self.name("continue_as_new"): {
                    "call": (
                        "googleapis.workflowexecutions.v1.projects.locations.workflows"
                        ".executions.create"
                    ),
                    "args": {
                        "parent": parent,
                        "body": {"argument": "${json.encode_to_string(" + argument + ")}"},
                    },
                    "result": "__next",
                }
            }
        )
        out.append({self.name("continued"): {"return": "${__next.name}"}})


def retry_policy(retry: ir.Retry) -> dict[str, Any]:
    """``RetryOptions`` → a Workflows retry: max_retries excludes the first try."""
    first = retry.first_interval_ms / 1000
    cap = (retry.max_interval_ms or 3_600_000) / 1000
    return {
        "predicate": "${" + RETRY_ALWAYS + "}",
        "max_retries": retry.max_attempts - 1,
        "backoff": {
            "initial_delay": _num(first),
            # whole seconds (the published schema's integer), rounded up: a delay is never
            # capped below the orchestrator's max_retry_interval
            "max_delay": math.ceil(cap),
            "multiplier": _num(retry.backoff_coefficient),
        },
    }


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _targets(step: ir.Step) -> list[str]:
    """The variables a step binds (an assignment to ``t[k]``, made by lowering, binds none)."""
    if isinstance(step, ir.Assign):
        return [] if "[" in step.target else [step.target]
    if isinstance(step, ir.Task | ir.FanOut | ir.Parallel) and step.target:
        return [step.target]
    if isinstance(step, ir.WaitEvent):
        return [t for t in (step.target, step.winner) if t]
    if isinstance(step, ir.ForEach):
        return [step.var]
    return []


def _response_vars(wf: ir.Workflow) -> frozenset[str]:
    """Variables bound only by activity calls (so they can keep the whole HTTP response)."""
    only: dict[str, bool] = {}
    for step in ir.walk(wf.steps):
        for target in _targets(step):
            ok = isinstance(step, ir.Task) and step.call.kind == "activity"
            only[target] = only.get(target, True) and ok
    return frozenset(n for n, ok in only.items() if ok)


def _render(node: Any, b: Builder) -> Any:
    if isinstance(node, _Assign):
        return [{var_name(t): b.val(e)} for t, e in node.entries]
    if isinstance(node, dict):
        return {k: _render(v, b) for k, v in node.items()}
    if isinstance(node, list):
        return [_render(v, b) for v in node]
    return node


def param_of(wf: ir.Workflow) -> str:
    """The workflow's parameter: the variable its first statement copies the input into
    (``order = ctx.get_input()``) when that variable is never reassigned, else ``input``."""
    first = wf.steps[0] if wf.steps else None
    if isinstance(first, ir.Assign) and first.value == ir.Var(ir.INPUT):
        bound = [t for step in ir.walk(wf.steps) for t in _targets(step)]
        if bound.count(first.target) == 1:
            return first.target
    return ir.INPUT


def timeout_seconds(ms: int) -> int:
    return max(1, math.ceil(ms / 1000))


def _natives(e: ir.Expr) -> list[ir.Native]:
    found = [e] if isinstance(e, ir.Native) else []
    return found + [n for c in ir.children(e) for n in _natives(c)]


def _has_builtin(e: ir.Expr, name: str) -> bool:
    found = isinstance(e, ir.Builtin) and e.name == name
    return found or any(_has_builtin(c, name) for c in ir.children(e))


def reads_builtin(wf: ir.Workflow, name: str) -> bool:
    """Whether the workflow reads ``ctx.<name>`` (a builtin of the IR) anywhere."""
    return any(_has_builtin(e, name) for step in ir.walk(wf.steps) for e in ir.reads(step))


def unwrap_carried(param: str) -> dict[str, Any]:
    """The first step of a definition that continues as new: the instance id is the
    execution's, or the one carried in the argument (then the input is the argument's)."""
    take = {
        "condition": '${"' + CARRIED + '" in ' + param + "}",
        "assign": [
            {INSTANCE: "${" + param + '["' + CARRIED + '"]}'},
            {param: "${" + param + '["input"]}'},
        ],
    }
    return {
        "instance": {
            "steps": [
                {"execution": {"assign": [{INSTANCE: "${" + EXECUTION_ID + "}"}]}},
                {
                    "continued": {
                        "switch": [
                            {
                                "condition": "${get_type(" + param + ') == "map"}',
                                "steps": [{"carried": {"switch": [take]}}],
                            }
                        ]
                    }
                },
            ]
        }
    }
