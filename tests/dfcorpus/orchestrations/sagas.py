"""Errors and compensation: sagas, fallbacks, failures kept as values, orchestrations that fail."""

import azure.durable_functions as df

from faas_iac import Blueprint

bp = Blueprint("sagas")


@bp.orchestrator
def book_trip_saga(context: df.DurableOrchestrationContext):
    trip = context.get_input()
    compensations = []
    try:
        hotel = yield context.call_activity("reserve_hotel", trip)
        compensations.append(("cancel_hotel", hotel))
        flight = yield context.call_activity("reserve_flight", trip)
        compensations.append(("cancel_flight", flight))
        car = yield context.call_activity("reserve_car", trip)
        compensations.append(("cancel_car", car))
    except Exception as e:
        undone = []
        for activity_name, booking in reversed(compensations):
            result = yield context.call_activity(activity_name, booking)
            undone.append(result)
        return {"status": "rolled back", "error": str(e), "undone": undone}
    return {"status": "booked", "bookings": [hotel, flight, car]}


@bp.orchestrator
def transfer_funds(context: df.DurableOrchestrationContext):
    transfer_details = context.get_input()
    yield context.call_activity(
        "debit_account",
        {"account": transfer_details["source"], "amount": transfer_details["amount"]},
    )
    try:
        yield context.call_activity(
            "credit_account",
            {"account": transfer_details["destination"], "amount": transfer_details["amount"]},
        )
    except Exception:
        yield context.call_activity(
            "credit_account",
            {"account": transfer_details["source"], "amount": transfer_details["amount"]},
        )
        return "refunded"
    return "transferred"


@bp.orchestrator
def classify_failure(context: df.DurableOrchestrationContext):
    request = context.get_input()
    try:
        result = yield context.call_activity("call_partner_api", request)
        return {"ok": True, "result": result}
    except Exception as e:
        message = str(e)
        if "timeout" in message.lower():
            return {"ok": False, "retryable": True}
        if "not found" in message:
            return {"ok": False, "retryable": False, "missing": request["resource"]}
        raise


@bp.orchestrator
def retry_then_fallback(context: df.DurableOrchestrationContext):
    request = context.get_input()
    retry_options = df.RetryOptions(
        first_retry_interval_in_milliseconds=60000, max_number_of_attempts=2
    )
    try:
        quote = yield context.call_activity_with_retry("primary_quote", retry_options, request)
        source = "primary"
    except Exception as e:
        quote = yield context.call_activity("fallback_quote", request)
        source = f"fallback ({e})"
    return {"quote": quote, "source": source}


@bp.orchestrator
def validate_and_fail(context: df.DurableOrchestrationContext):
    payload = context.get_input()
    missing = [field for field in ("customer", "amount") if field not in payload]
    if missing:
        raise ValueError(f"missing fields: {', '.join(missing)}")
    receipt = yield context.call_activity("issue_receipt", payload)
    return receipt


@bp.orchestrator
def collect_item_errors(context: df.DurableOrchestrationContext):
    items = context.get_input()
    processed, errors = [], []
    for item in items:
        if item.get("skip"):
            continue
        try:
            result = yield context.call_activity("process_item", item)
            processed.append(result)
        except Exception as e:
            errors.append({"item": item["id"], "error": str(e)})
        if len(errors) >= 2:
            break
    return {"processed": processed, "errors": errors}


@bp.orchestrator
def uncaught_activity_failure(context: df.DurableOrchestrationContext):
    account = context.get_input()
    balance = yield context.call_activity("read_balance", account)
    yield context.call_activity("debit_account", {"account": account["id"], "amount": balance + 1})
    return "unreachable when the debit fails"


@bp.activity
def reserve_hotel(trip: dict) -> str:
    return f"hotel-{trip['city'].lower()}"


@bp.activity
def reserve_flight(trip: dict) -> str:
    if trip.get("flights_full"):
        raise RuntimeError(f"no seats to {trip['city']}")
    return f"flight-{trip['city'].lower()}"


@bp.activity
def reserve_car(trip: dict) -> str:
    if trip.get("no_cars"):
        raise ValueError("no cars left")
    return f"car-{trip['city'].lower()}"


@bp.activity
def cancel_hotel(booking: str) -> str:
    return f"cancelled {booking}"


@bp.activity
def cancel_flight(booking: str) -> str:
    return f"cancelled {booking}"


@bp.activity
def cancel_car(booking: str) -> str:
    return f"cancelled {booking}"


@bp.activity
def debit_account(request: dict) -> int:
    if request["amount"] > 1000:
        raise ValueError(f"insufficient funds in {request['account']}")
    return request["amount"]


@bp.activity
def credit_account(request: dict) -> int:
    if request["account"].startswith("closed-"):
        raise RuntimeError(f"account {request['account']} is closed")
    return request["amount"]


@bp.activity
def call_partner_api(request: dict) -> str:
    if request["resource"] == "slow":
        raise TimeoutError("partner API Timeout after 30s")
    if request["resource"].startswith("missing"):
        raise KeyError(f"{request['resource']} not found")
    if request["resource"] == "broken":
        raise RuntimeError("partner API returned 500")
    return f"partner says ok for {request['resource']}"


@bp.activity
def primary_quote(request: dict) -> float:
    if request.get("primary_down"):
        raise ConnectionError("primary quote service unreachable")
    return request["base"] * 1.1


@bp.activity
def fallback_quote(request: dict) -> float:
    return request["base"] * 1.25


@bp.activity
def issue_receipt(payload: dict) -> str:
    return f"receipt for {payload['customer']}: {payload['amount']}"


@bp.activity
def process_item(item: dict) -> str:
    if item.get("bad"):
        raise ValueError(f"item {item['id']} is malformed")
    return f"processed {item['id']}"


@bp.activity
def read_balance(account: dict) -> int:
    return account["balance"]
