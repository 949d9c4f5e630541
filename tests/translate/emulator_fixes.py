"""workflows-emulator, made a fair judge: each patch here fixes one behaviour of the emulator
that differs from GCP Workflows as Google documents it, named by the bug; none looks at what a
workflow computes. Also the two Google APIs our translations call through connectors
(Firestore for custom status, Workflow Executions for ``continue_as_new``), served in memory
behind the emulator's connector seam, since the emulator would call the real Google APIs.
"""

from __future__ import annotations

import contextvars
import copy
import itertools
import json
import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

from workflows_emulator import main as emulator
from workflows_emulator.lib.helpers import get_type as _EMULATOR_GET_TYPE
from workflows_emulator.render import render_config
from workflows_emulator.utils import WorkflowError

from .clock import ScaledClock, patched


def _switch_execute(self: Any) -> tuple[Any, Any, Any]:
    """Bug: the emulator's ``switch`` runs the steps of *every* true condition in turn.
    Workflows runs only the first true one, then continues after the switch."""
    context = self.context
    for condition in self.config["switch"]:
        branch = copy.deepcopy(condition)
        matched = render_config(branch.pop("condition"), context)
        if not isinstance(matched, bool):
            raise SyntaxError(f"The switch condition must evaluate to a boolean: `{matched}`")
        if matched:
            context, next_step, ret_value = emulator.execute_step(self.step_id, branch, context)
            if ret_value is not None or next_step is not None:
                return context, next_step, ret_value
            break
    return context, self.config.get("next"), None


class _Map(dict[Any, Any]):
    __hash__ = object.__hash__  # type: ignore[assignment]


class _List(list[Any]):
    __hash__ = object.__hash__  # type: ignore[assignment]


def _hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return _Map(value)
    if isinstance(value, list):
        return _List(value)
    return value


def _for_tasks(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Bug: a parallel ``for`` over maps (or lists) fails with "unhashable type": the emulator
    keys the failed branches by each iteration's value. The values are given identity hashes
    (still equal to, and serialised as, the maps and lists they are)."""

    def get_for_tasks(self: Any) -> Any:
        tasks = original(self)
        for task in tasks:
            task["id"] = _hashable(task["id"])
        return tasks

    return get_for_tasks


def _task_config(original: Callable[..., Any]) -> Callable[..., Any]:
    """Bug: a parallel step binds its loop's value and index as context variables of the
    thread running the workflow, and they outlive the step: a later parallel ``for`` using the
    same names (``__i``) may read the earlier step's last value (which of the two is found
    depends on hashing), e.g. writing past the end of a list. Each parallel step runs in a copy
    of the thread's context, so its bindings end with it."""

    def execute_task_config(self: Any, *args: Any, **kwargs: Any) -> Any:
        return contextvars.copy_context().run(original, self, *args, **kwargs)

    return execute_task_config


def _assign_execute(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Bug: an ``assign`` step takes the emulator's global lock and never releases it when an
    expression fails (a KeyError caught by ``try``), so the next assignment anywhere hangs."""

    def execute(self: Any) -> Any:
        try:
            return original(self)
        except BaseException:
            emulator.LOCK.release()  # acquired by the step's first statement
            raise

    return execute


def _for_execute(self: Any) -> tuple[Any, Any, Any]:
    """Bug: a ``for`` step runs its iterations on a deep copy of the variables and writes the
    workflow's own variables back only when the loop ends, so an error raised in an iteration
    (caught by an enclosing ``try``) loses every assignment the loop made to them. Workflows
    shares the variables defined before the loop with it: an assignment takes effect at once
    (Google's "loop scope" sample). The emulator's loop, with the write-back also on an
    error."""
    config = self.config["for"]
    inner = copy.deepcopy(self.context)
    index_name, value_name = config.get("index", "__index"), config.get("value", "__value")
    next_step = ret_value = None

    def write_back() -> None:
        self.context.update({k: v for k, v in inner.items() if k in self.context})

    try:
        for index, value in enumerate(self.get_iterator()):
            inner[index_name], inner[value_name] = index, value
            inner, next_step, ret_value = emulator.StepSteps(
                step_id=self.step_id, config=config, context=inner
            ).execute()
            if next_step == emulator.SpecialNextStep.BREAK:
                next_step = None
                break
            if next_step == emulator.SpecialNextStep.CONTINUE:
                next_step = None
                continue
            if ret_value is not None or next_step is not None:
                break
    except WorkflowError:
        write_back()
        raise
    inner.pop(index_name, None)
    inner.pop(value_name, None)
    write_back()
    return self.context, next_step, ret_value


def _retry_execute(clock: ScaledClock) -> Callable[[Any], Any]:
    """Bug: the emulator's ``retry`` stops retrying once the delay reaches ``max_delay`` (and
    sleeps after the last attempt too). Workflows caps each delay at ``max_delay`` and retries
    up to ``max_retries`` times. Sleeps run on the scaled clock."""

    def execute(self: Any) -> Any:
        step, context = self.config, self.context
        policy = render_config(step["retry"], context)
        backoff = policy.get("backoff", {})
        delay = backoff.get("delay", 1)
        max_delay = backoff.get("max_delay", 60)
        multiplier = backoff.get("multiplier", 1)
        predicate = policy.get("predicate")
        raised: WorkflowError | None = None
        for attempt in range(policy.get("max_retries", 0) + 1):
            if attempt > 0 and "backoff" in policy:
                clock.sleep(min(delay, max_delay))
                delay *= multiplier
            try:
                return emulator.execute_step(self.step_id, step["try"], context)
            except WorkflowError as err:
                raised = err
                if predicate is not None and not emulator.execute_subworkflow(
                    workflow=predicate,
                    params={"e": err.payload},
                    context=emulator.keep_only_subworkflows(context),
                ):
                    break
        assert raised is not None
        if "except" in step:
            payload = raised.payload
            context[step["except"]["as"]] = getattr(payload, "to_dict", lambda: payload)()
            return emulator.execute_steps_list(step["except"]["steps"], context)
        raise raised

    return execute


def _get_type(value: Any) -> str:
    """Bug: the emulator's ``get_type`` knows only exact builtin types, so a caught error (its
    own ``ContextDict``, a map) raises ValueError instead of giving "map"."""
    if isinstance(value, dict):
        return "map"
    if isinstance(value, list):
        return "list"
    return str(_EMULATOR_GET_TYPE(value))


def _default(value: Any, other: Any) -> Any:
    """Bug: the emulator's ``default(value, other)`` is ``value or other`` (0, "", false and
    empty collections give ``other``); Workflows gives ``other`` only for null."""
    return other if value is None else value


#: Standard-library functions the emulator gets wrong, replaced while a workflow runs.
LIBRARY_FIXES: dict[str, Any] = {"get_type": _get_type, "default": _default}


@contextmanager
def fixed_emulator(clock: ScaledClock) -> Iterator[None]:
    with ExitStack() as stack:
        stack.enter_context(patched(emulator.StepSwitch, execute=_switch_execute))
        parallel = emulator.StepParallel
        stack.enter_context(patched(parallel, get_for_tasks=_for_tasks(parallel.get_for_tasks)))
        stack.enter_context(
            patched(parallel, execute_task_config=_task_config(parallel.execute_task_config))
        )
        assign = emulator.StepAssign
        stack.enter_context(patched(assign, execute=_assign_execute(assign.execute)))
        stack.enter_context(patched(emulator.StepRetry, execute=_retry_execute(clock)))
        stack.enter_context(patched(emulator.StepFor, execute=_for_execute))
        yield


# -- the Google APIs behind connectors, in memory ------------------------------------------------
@dataclass
class GoogleApis:
    """Firestore documents (custom status) and Workflow Executions (``continue_as_new``), as
    the connector calls of a translated workflow use them."""

    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: executions created by a running execution: (execution id, argument), in order
    created: list[tuple[str, Any]] = field(default_factory=list)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(2))

    def call(self, step: dict[str, Any]) -> Any:
        name, args = step["call"], step.get("args", {})
        if name == "googleapis.firestore.v1.projects.databases.documents.patch":
            doc = self.documents.setdefault(args["name"], {})
            doc.update(args.get("body", {}).get("fields", {}))
            return {"name": args["name"], "fields": doc}
        if name == "googleapis.firestore.v1.projects.databases.documents.get":
            if args["name"] not in self.documents:
                raise WorkflowError(message="document not found", code=404, tags=["HttpError"])
            return {"name": args["name"], "fields": self.documents[args["name"]]}
        if (
            name
            == "googleapis.workflowexecutions.v1.projects.locations.workflows.executions.create"
        ):
            current = os.environ["GOOGLE_CLOUD_WORKFLOW_EXECUTION_ID"]
            new_id = f"{current.split('~')[0]}~{next(self._ids)}"
            argument = args.get("body", {}).get("argument")
            self.created.append((new_id, None if argument is None else json.loads(argument)))
            return {"name": f"{args['parent']}/executions/{new_id}", "state": "ACTIVE"}
        raise NotImplementedError(f"the test harness does not serve the connector {name}")

    def custom_status(self, execution: str) -> Any:
        """The status document of ``execution`` (any collection), decoded."""
        for path, fields in self.documents.items():
            if path.rsplit("/", 1)[-1] == execution and "status" in fields:
                return json.loads(fields["status"]["stringValue"])
        return None
