from faas_iac import App

app = App("bad")


@app.queue("orders", batchsize=10)  # expect FIAC101
def take(msg, ctx): ...


@app.schedule("0 0 31 4 *")  # expect FIAC111
def never(timer, ctx): ...


@app.http("/slow", timeout=9999)  # expect FIAC120
def slow(req, ctx): ...


@app.orchestrator  # expect FIAC140
def flow(ctx):
    return None


@app.http("/a", writes=["queue:nowhere"])  # expect FIAC130
def a(req, ctx): ...
