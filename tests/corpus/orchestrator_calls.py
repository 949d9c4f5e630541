import azure.durable_functions as df

from faas_iac import App, RetryOptions

app = App("calls")
LENIENT = df.RetryOptions(1000, 0)  # azure's class checks only the first interval


@app.orchestrator
def flow(ctx):
    yield ctx.call_activity("charge_crad", ctx.get_input())  # expect FIAC145
    yield ctx.call_sub_orchestrator("shipping", None)  # expect FIAC145
    yield ctx.call_activity_with_retry("charge_card", RetryOptions(0, 0), None)  # expect FIAC146 FIAC146
    yield ctx.call_activity_with_retry("charge_card", df.RetryOptions(-5, 3), None)  # expect FIAC146
    yield ctx.call_activity_with_retry("charge_card", LENIENT, None)  # expect FIAC146
    return (yield ctx.call_activity("charge_card", 1))


@app.activity
def charge_card(order):
    return order
