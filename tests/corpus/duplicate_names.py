# expect: FIAC102
from faas_iac import App

app = App("bad")


@app.http("/a")
def handler(req, ctx): ...


@app.queue("jobs", name="handler")
def other(msg, ctx): ...
