"""Function chaining: one activity's output is the next one's input."""

import azure.durable_functions as df

from faas_iac import Blueprint

bp = Blueprint("chaining")


@bp.orchestrator
def hello_cities(context: df.DurableOrchestrationContext):
    result1 = yield context.call_activity("say_hello", "Tokyo")
    result2 = yield context.call_activity("say_hello", "Seattle")
    result3 = yield context.call_activity("say_hello", "London")
    return [result1, result2, result3]


@bp.orchestrator
def order_pipeline(context: df.DurableOrchestrationContext):
    order = context.get_input()
    validated = yield context.call_activity("validate_order", order)
    if not validated["valid"]:
        return {"status": "rejected", "reason": validated["reason"]}
    reservation = yield context.call_activity("reserve_stock", validated)
    total = sum(line["qty"] * line["unit_price"] for line in order["lines"])
    coupon = order.get("coupon")
    if coupon:
        total = total * 0.9
    payment = yield context.call_activity(
        "charge_payment", {"order_id": order["id"], "amount": round(total, 2)}
    )
    shipment = yield context.call_activity("ship_order", reservation["reservation_id"])
    return {
        "status": "shipped",
        "summary": f"Order {order['id']}: {len(order['lines'])} lines, total ${total:.2f}",
        "payment": payment,
        "tracking": shipment["tracking"],
    }


@bp.orchestrator
def etl_steps(context: df.DurableOrchestrationContext):
    data = context.get_input()
    steps = ["extract", "transform", "load"]
    for step in steps:
        data = yield context.call_activity(step, data)
    return data


@bp.orchestrator
def user_onboarding(context: df.DurableOrchestrationContext):
    user = context.get_input()
    email = user["email"].strip().lower()
    name, domain = email.split("@")
    display_name = user.get("name", name).title()
    profile = yield context.call_activity(
        "create_profile", {"email": email, "display_name": display_name}
    )
    welcome = yield context.call_activity("send_welcome", profile)
    is_company = domain.endswith(".com") and not domain.startswith("mail.")
    return {"user": display_name, "company": is_company, "welcome": welcome}


@bp.orchestrator
def invoice_numbering(context: df.DurableOrchestrationContext):
    request = context.get_input()
    seq = yield context.call_activity("next_invoice_seq", request["customer"])
    amount = request["amount"]
    invoice_id = f"INV-{seq:05d}"
    lines = [
        f"{'Customer':<10}{request['customer']:>12}",
        f"{'Amount':<10}{amount:>12,.2f}",
        f"{'Tax':<10}{amount * 0.2:>12.2f}",
    ]
    doc = yield context.call_activity("render_invoice", {"id": invoice_id, "lines": lines})
    return {"invoice": invoice_id, "ref": str(seq).zfill(8), "document": doc}


@bp.activity
def say_hello(city: str) -> str:
    return f"Hello {city}!"


@bp.activity
def validate_order(order: dict) -> dict:
    if not order.get("lines"):
        return {"valid": False, "reason": "no lines", "order_id": order["id"]}
    return {"valid": True, "order_id": order["id"], "skus": [li["sku"] for li in order["lines"]]}


@bp.activity
def reserve_stock(validated: dict) -> dict:
    return {"reservation_id": f"R-{validated['order_id']}", "skus": validated["skus"]}


@bp.activity
def charge_payment(request: dict) -> str:
    return f"paid {request['amount']} for {request['order_id']}"


@bp.activity
def ship_order(reservation_id: str) -> dict:
    return {"tracking": reservation_id.replace("R-", "TRK-")}


@bp.activity
def extract(source: dict) -> dict:
    return {"rows": [r.split(",") for r in source["csv"].splitlines()]}


@bp.activity
def transform(data: dict) -> dict:
    return {"rows": [[cell.strip().upper() for cell in row] for row in data["rows"]]}


@bp.activity
def load(data: dict) -> dict:
    return {"loaded": len(data["rows"]), "first": data["rows"][0] if data["rows"] else None}


@bp.activity
def create_profile(request: dict) -> dict:
    return {"id": request["email"].split("@")[0], "display_name": request["display_name"]}


@bp.activity
def send_welcome(profile: dict) -> str:
    return f"welcome sent to {profile['display_name']}"


@bp.activity
def next_invoice_seq(customer: str) -> int:
    return sum(ord(c) for c in customer) % 997


@bp.activity
def render_invoice(invoice: dict) -> str:
    return invoice["id"] + "\n" + "\n".join(invoice["lines"])
