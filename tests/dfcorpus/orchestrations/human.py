"""Human interaction: wait for people (external events), usually against a deadline."""

from datetime import timedelta

import azure.durable_functions as df

from faas_iac import Blueprint

bp = Blueprint("human")


@bp.orchestrator
def approval_workflow(context: df.DurableOrchestrationContext):
    request = context.get_input()
    yield context.call_activity("request_approval", request)
    due_time = context.current_utc_datetime + timedelta(hours=request.get("timeout_hours", 72))
    durable_timeout_task = context.create_timer(due_time)
    approval_event_task = context.wait_for_external_event("ApprovalEvent")
    winning_task = yield context.task_any([approval_event_task, durable_timeout_task])
    if approval_event_task == winning_task:
        durable_timeout_task.cancel()
        result = yield context.call_activity("process_approval", approval_event_task.result)
        return result
    result = yield context.call_activity("escalate_request", request)
    return result


@bp.orchestrator
def sms_verification(context: df.DurableOrchestrationContext):
    request = context.get_input()
    phone_number = request.get("phone")
    if not phone_number:
        raise Exception("A phone number input is required.")
    challenge_code = yield context.call_activity("send_sms_challenge", phone_number)
    expiration = context.current_utc_datetime + timedelta(minutes=request.get("minutes", 240))
    timeout_task = context.create_timer(expiration)
    authorized = False
    for _ in range(3):
        challenge_response_task = context.wait_for_external_event("SmsChallengeResponse")
        winner = yield context.task_any([challenge_response_task, timeout_task])
        if winner == challenge_response_task:
            if challenge_response_task.result == challenge_code:
                authorized = True
                break
        else:
            break
    if not timeout_task.is_completed:
        timeout_task.cancel()
    return authorized


@bp.orchestrator
def two_approvers(context: df.DurableOrchestrationContext):
    expense = context.get_input()
    manager = context.wait_for_external_event("ManagerApproval")
    finance = context.wait_for_external_event("FinanceApproval")
    manager_ok, finance_ok = yield context.task_all([manager, finance])
    approved = manager_ok["approved"] and finance_ok["approved"]
    comments = [a.get("comment", "") for a in (manager_ok, finance_ok) if a.get("comment")]
    yield context.call_activity("record_decision", {"expense": expense["id"], "approved": approved})
    return {"approved": approved, "comments": comments}


@bp.orchestrator
def review_with_comment(context: df.DurableOrchestrationContext):
    document = context.get_input()
    yield context.call_activity("request_review", document)
    decision = yield context.wait_for_external_event("Review")
    verdict = decision.get("verdict", "").strip().lower()
    if verdict in ("yes", "approve", "approved"):
        outcome = "published"
    elif verdict.startswith("rev"):
        outcome = "needs revision"
    else:
        outcome = "rejected"
    note = decision.get("comment") or "no comment"
    return {"document": document["title"], "outcome": outcome, "note": note.capitalize()}


@bp.orchestrator
def event_with_default(context: df.DurableOrchestrationContext):
    settings = context.get_input()
    wait = timedelta(minutes=settings.get("wait_minutes", 1440))
    timeout = context.create_timer(context.current_utc_datetime + wait)
    override = context.wait_for_external_event("Override")
    winner = yield context.task_any([override, timeout])
    if winner == timeout:
        value = settings["default"]
        source = "default"
    else:
        timeout.cancel()
        value = override.result
        source = "override"
    applied = yield context.call_activity(
        "apply_setting", {"name": settings["name"], "value": value}
    )
    return {"source": source, "applied": applied}


@bp.orchestrator
def approve_or_reject(context: df.DurableOrchestrationContext):
    approve = context.wait_for_external_event("Approve")
    reject = context.wait_for_external_event("Reject")
    winner = yield context.task_any([approve, reject])
    if winner == approve:
        return {"decision": "approved", "by": approve.result}
    return {"decision": "rejected", "by": reject.result}


@bp.orchestrator
def approve_reject_or_expire(context: df.DurableOrchestrationContext):
    request = context.get_input()
    approve = context.wait_for_external_event("Approve")
    reject = context.wait_for_external_event("Reject")
    deadline = context.current_utc_datetime + timedelta(hours=request["hours"])
    timeout = context.create_timer(deadline)
    winner = yield context.task_any([approve, reject, timeout])
    if winner == timeout:
        return {"decision": "expired", "after_hours": request["hours"]}
    timeout.cancel()
    if winner == approve:
        return {"decision": "approved", "by": approve.result}
    return {"decision": "rejected", "by": reject.result}


@bp.activity
def request_approval(request: dict) -> str:
    return f"approval requested for {request['id']}"


@bp.activity
def process_approval(approval: dict) -> dict:
    return {"status": "approved", "approver": approval["approver"]}


@bp.activity
def escalate_request(request: dict) -> dict:
    return {"status": "escalated", "to": request["manager"]}


@bp.activity
def send_sms_challenge(phone_number: str) -> int:
    return sum(int(c) for c in phone_number if c.isdigit()) * 37 % 10000


@bp.activity
def record_decision(decision: dict) -> bool:
    return decision["approved"]


@bp.activity
def request_review(document: dict) -> str:
    return f"review requested: {document['title']}"


@bp.activity
def apply_setting(setting: dict) -> str:
    return f"{setting['name']}={setting['value']}"
