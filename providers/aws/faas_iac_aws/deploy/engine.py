"""The SDK apply engine, one direction: plan → (diff against the recorded state) → boto3 calls.

It creates resources in plan order, updates a resource only when its resolved properties (or
its artifact) changed — replacing it when its type has no in-place update — and deletes what
the plan no longer has, in reverse order. The state file records, per logical name, the
digest of what was applied and the outputs (ARNs, URLs, ids) later references resolve to; it
is written after every change, so a failed deploy loses nothing and the next one resumes. A
resource being created is noted as pending first, so one created by a deploy killed before it
could record it is found by name and taken over, not created twice (:mod:`.adopt`). A second
deploy of an unchanged app makes no call that changes anything.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faas_iac.errors import FaasError
from faas_iac.plan.diff import Deployed, artifact_ids, from_engine_state
from faas_iac.plan.providers import DeployOptions, DeployReport
from faas_iac.plan.refs import resolve

from .adopt import SETTLE, code_sha256, find
from .base import ATTEMPTS, Env, Handler, Outputs
from .compute import HANDLERS as COMPUTE
from .data import HANDLERS as DATA
from .probe import gone, still_there, throttled
from .session import connect

if TYPE_CHECKING:
    from faas_iac.plan import Compiled, PlanResource

HANDLERS: dict[str, Handler] = {**COMPUTE, **DATA}


def state_path(compiled: Compiled, options: DeployOptions) -> Path:
    if options.state is not None:
        return options.state
    return compiled.root / ".faas" / "aws" / f"{compiled.plan.app}.state.json"


def _load(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {"resources": {}, "order": []}
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _save(path: Path, state: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


def _call(what: str, name: str, fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except Exception as exc:  # botocore errors: report which resource and why
        cause = (
            f"AWS kept throttling the call ({ATTEMPTS} attempts): wait a minute, or ask for a "
            "higher quota,"
            if throttled(exc)
            else "fix the cause above"
        )
        raise FaasError.one(
            "FIAC304",
            f"{what} {name} failed: {exc}",
            fix=f"{cause} and deploy again: what was applied is recorded, so the next deploy "
            "resumes where this one stopped",
        ) from None


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold ``<state>.lock`` while applying: a second deploy or destroy of the same app (same
    state file) at once is refused, never interleaved. The operating system releases the lock
    when the process ends, however it ends."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = path.with_name(path.name + ".lock")
    with lock.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FaasError.one(
                "FIAC313",
                f"another deploy or destroy of this app is running (it holds {lock.name})",
                fix="wait for it to finish, then run this one again",
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _delete(name: str, handler: Handler, env: Env, outputs: dict[str, Any]) -> None:
    """Delete; a resource that is already gone counts as deleted (deletes are idempotent)."""
    try:
        handler.delete(env, outputs)
    except Exception as exc:
        if gone(exc):
            return
        raise FaasError.one(
            "FIAC304",
            f"deleting {name} failed: {exc}",
            fix="fix the cause above and run destroy again: what is left is still recorded",
        ) from None


def deploy(compiled: Compiled, options: DeployOptions) -> DeployReport:
    path = state_path(compiled, options)
    with _locked(path):
        return _deploy(compiled, options, path)


def _create(
    name: str,
    type_: str,
    env: Env,
    props: dict[str, Any],
    code: bytes | None,
    pending: dict[str, Any],
    save: Callable[[], None],
) -> Outputs:
    """Create, or take over the resource an interrupted deploy created as ``name`` (noted as
    pending in the state, never recorded); pending until the caller records it."""
    handler = HANDLERS[type_]
    sha = code_sha256(code)
    if name in pending:
        found = _call("looking up", name, find, env, type_, props, sha)
        if found is not None:
            if handler.update is not None:
                return dict(_call("updating", name, handler.update, env, found, props, code))
            if type_ in SETTLE:  # (types without an update)
                _call("finishing", name, SETTLE[type_], env, props)
            return dict(found)
    pending[name] = {"type": type_, "props": props, "code_sha256": sha}
    save()
    return dict(_call("creating", name, handler.create, env, props, code))


def resolved_props(res: PlanResource, recorded: dict[str, Any], env: Env) -> dict[str, Any]:
    """``res``'s properties with each reference resolved (:func:`_lookup`), and its logical
    name as ``_logical``."""
    return {**resolve(res.properties, _lookup(recorded, env)), "_logical": res.name}


def _lookup(recorded: dict[str, Any], env: Env) -> Callable[[str], str]:
    """A reference's value: the recorded output it names, or the deploy's context."""
    context = {"aws:region": env.region, "aws:account": env.account, "aws:partition": "aws"}

    def lookup(token: str) -> str:
        if token in context:
            return context[token]
        name, attr = token.split(".", 1)
        return str(recorded[name]["outputs"][attr])

    return lookup


def _deploy(compiled: Compiled, options: DeployOptions, path: Path) -> DeployReport:
    state = _load(path)
    env = connect(compiled, options)
    recorded: dict[str, Any] = state["resources"]
    pending: dict[str, Any] = state.setdefault("pending", {})

    def save() -> None:
        _save(path, state)

    ids = artifact_ids(compiled.plan)
    report: dict[str, list[str]] = {"created": [], "updated": [], "replaced": [], "deleted": []}
    unchanged = 0
    for res in compiled.plan.resources:
        props = resolved_props(res, recorded, env)
        code = env.artifacts[res.artifact] if res.artifact else None
        digest = hashlib.sha256(
            json.dumps(
                [res.type, props, hashlib.sha256(code or b"").hexdigest()], sort_keys=True
            ).encode()
        ).hexdigest()
        handler = HANDLERS[res.type]
        before = recorded.get(res.name)
        started = time.monotonic()
        recreate = before is not None and not _call(
            "reading", res.name, still_there, env, res.type, before["outputs"]
        )
        if recreate:
            before = None  # deleted behind the engine's back: create it again
        elif before is not None and before["digest"] == digest:
            unchanged += 1
            continue
        if before is None:
            outputs = _create(res.name, res.type, env, props, code, pending, save)
            verb = "created"
        elif handler.update is not None:
            outputs = _call(
                "updating", res.name, handler.update, env, before["outputs"], props, code
            )
            verb = "updated"
        else:
            _delete(res.name, handler, env, before["outputs"])
            outputs = _create(res.name, res.type, env, props, code, pending, save)
            verb = "replaced"
        report[verb].append(res.name)
        recorded[res.name] = {
            "type": res.type,
            "digest": digest,
            "outputs": outputs,
            "properties": res.properties,
            "artifact": ids.get(res.artifact) if res.artifact else None,
        }
        if res.name not in state["order"]:
            state["order"].append(res.name)
        pending.pop(res.name, None)
        _save(path, state)
        _tell(options, "recreated" if recreate else verb, res.name, started)
    planned = {r.name for r in compiled.plan.resources}
    for name in reversed(list(state.get("order", []))):
        if name not in planned and name in recorded:
            item = recorded[name]
            started = time.monotonic()
            _delete(name, HANDLERS[item["type"]], env, item["outputs"])
            del recorded[name]
            state["order"].remove(name)
            report["deleted"].append(name)
            _save(path, state)
            _tell(options, "deleted", name, started)
    lookup = _lookup(recorded, env)
    outputs = {k: resolve(v, lookup) for k, v in compiled.plan.outputs.items()}
    return DeployReport(
        created=tuple(report["created"]),
        updated=tuple(report["updated"]),
        replaced=tuple(report["replaced"]),
        deleted=tuple(report["deleted"]),
        unchanged=unchanged,
        outputs=outputs,
        state=str(path),
    )


def deployed(compiled: Compiled, options: DeployOptions) -> dict[str, Deployed]:
    """What the state file records as deployed (nothing when there is no state file)."""
    return from_engine_state(_load(state_path(compiled, options)))


def _tell(options: DeployOptions, verb: str, name: str, started: float) -> None:
    if options.progress is not None:
        options.progress(verb, name, time.monotonic() - started)


def destroy(compiled: Compiled, options: DeployOptions) -> DeployReport:
    path = state_path(compiled, options)
    if not path.exists():
        raise FaasError.one(
            "FIAC305",
            f"nothing recorded as deployed for app {compiled.plan.app!r} ({path.name})",
            fix="deploy first, or pass --state with the state file of that deploy",
        )
    with _locked(path):
        return _destroy(compiled, options, path)


def _destroy(compiled: Compiled, options: DeployOptions, path: Path) -> DeployReport:
    state = _load(path)
    env = connect(compiled, options)
    deleted = []
    planned = [r.name for r in compiled.plan.resources]
    leftovers = [n for n in state.get("order", []) if n not in planned]
    for name in [*reversed(planned), *reversed(leftovers)]:
        item = state["resources"].get(name)
        if item is None:
            continue
        started = time.monotonic()
        _delete(name, HANDLERS[item["type"]], env, item["outputs"])
        del state["resources"][name]
        if name in state["order"]:
            state["order"].remove(name)
        deleted.append(name)
        _save(path, state)
        _tell(options, "deleted", name, started)
    for name, item in reversed(list(state.get("pending", {}).items())):
        # created by a deploy killed before it recorded them: found by name, deleted too
        started = time.monotonic()
        found = _call(
            "looking up", name, find, env, item["type"], item["props"], item.get("code_sha256")
        )
        if found is not None:
            _delete(name, HANDLERS[item["type"]], env, found)
            deleted.append(name)
            _tell(options, "deleted", name, started)
        del state["pending"][name]
        _save(path, state)
    path.unlink()
    path.with_name(path.name + ".lock").unlink(missing_ok=True)
    return DeployReport(deleted=tuple(deleted), state=str(path))
