from faas_iac import App

app = App("bad", timeout=4000)  # expect FIAC120 "outside 1-3600"


@app.http("/a")
def a(req, ctx): ...


@app.queue("jobs")
def b(msg, ctx): ...
