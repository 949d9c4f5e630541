# expect: FIAC140
from faas_iac import App

app = App("bad")


@app.orchestrator
def flow(ctx):
    return ctx.call_activity("step", None)
