"""``winner = yield ctx.task_any([event_a, event_b, ...(, timer)])`` on Workflows.

An execution can wait on several callbacks at once in the branches of a ``parallel`` step, one
branch per task: each waits on a callback endpoint of its own (an event's, registered under the
event's key as a single wait's is; the timer's, never registered, waited with the timer's
timeout). A parallel step ends only when every branch has (``exception_policy`` has only
``continueAll``: a branch cannot stop the others), so the first branch to get its request sets
the shared ``winner`` (and its event's payload) and then sends a request to every other branch's
callback endpoint (``http.post``, OAuth2 as callbacks take it; the planner grants the workflow's
account ``roles/workflows.invoker`` on its own workflow): each wakes at once, finds ``winner``
set and ends. The orchestration goes on the moment the first task completes, as in Durable
Functions; no branch polls.

Limits, said plainly: taking ``winner`` is a test then an assignment, two steps; two requests
arriving in the same instant may both pass the test, and the later assignment wins (Durable
Functions takes the first in its history). A losing event's request that comes after the race
reaches an endpoint nobody waits on any more, where Durable would keep it for a later wait.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from faas_iac.translate import ir

from .expr import var_name

if TYPE_CHECKING:
    from .emit import Builder, Emitted


def race(em: Builder, step: ir.Race, out: list[Emitted]) -> None:
    winner = step.winner or "__winner"
    endpoints: list[str] = []
    for arm in step.arms:
        if arm.event is not None:
            endpoints.append(em._callback(ir.WaitEvent(arm.event, arm.target), out))
        else:
            endpoints.append(em.endpoint(f"__cb_{arm.tag}", f"timer_{arm.tag}", out))
    shared = [winner, *(a.target for a in step.arms if a.target)]
    em.assign(out, winner, ir.Const(None))
    for arm in step.arms:
        if arm.target:
            em.assign(out, arm.target, ir.Const(None))
    branches = []
    for i, (arm, cb) in enumerate(zip(step.arms, endpoints, strict=True)):
        wait = ir.WaitEvent(arm.event or arm.tag, None, arm.seconds)
        call = em.await_call(wait, cb, "__got")  # (an event's: a year, as a callback may wait)
        won: list[dict[str, Any]] = [{var_name(winner): arm.tag}]
        if arm.target:
            won.append({var_name(arm.target): "${__got.http_request.body}"})
        wake = []
        for j, other in enumerate(endpoints):
            if j != i:
                args: dict[str, Any] = {"url": "${" + other + ".url}", "body": {}}
                if em.names.auth:
                    args["auth"] = {"type": "OAuth2"}
                wake.append(
                    {em.name(f"wake_{step.arms[j].tag}"): {"call": "http.post", "args": args}}
                )
        first = (
            "${"
            + var_name(winner)
            + " == null"
            + ("" if arm.event is None else " and __got != null")
            + "}"
        )
        steps = [
            {
                em.name(f"await_{arm.tag}"): {
                    "try": call,
                    "except": em.timeout_except(
                        "__err", "", {em.name("timed_out"): {"assign": [{"__got": None}]}}
                    ),
                }
            },
            {
                em.name(f"first_{arm.tag}"): {
                    "switch": [
                        {
                            "condition": first,
                            "steps": [{em.name(f"won_{arm.tag}"): {"assign": won}}, *wake],
                        }
                    ]
                }
            },
        ]
        branches.append({em.name(f"branch_{arm.tag}"): {"steps": steps}})
    parallel = {"shared": [var_name(s) for s in shared], "branches": branches}
    out.append({em.name("race"): {"parallel": parallel}})
