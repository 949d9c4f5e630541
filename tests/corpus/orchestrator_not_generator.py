from faas_iac import App

app = App("bad")


@app.orchestrator  # expect FIAC140
def flow(ctx):
    return ctx.call_activity("step", None)
