# expect: FIAC120 FIAC120
from faas_iac import App

app = App("bad", timeout=4000)


@app.http("/a")
def a(req, ctx): ...


@app.queue("jobs")
def b(msg, ctx): ...
