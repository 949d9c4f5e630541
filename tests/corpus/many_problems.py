# expect: FIAC101 FIAC111 FIAC120 FIAC140 FIAC130
from faas_iac import App

app = App("bad")


@app.queue("orders", batchsize=10)
def take(msg, ctx): ...


@app.schedule("0 0 31 4 *")
def never(timer, ctx): ...


@app.http("/slow", timeout=9999)
def slow(req, ctx): ...


@app.orchestrator
def flow(ctx):
    return None


@app.http("/a", writes=["queue:nowhere"])
def a(req, ctx): ...
