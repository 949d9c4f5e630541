from faas_iac import App

app = App("bad", timeout=4000)


@app.http("/a")  # expect FIAC120
def a(req, ctx): ...


@app.queue("jobs")  # expect FIAC120
def b(msg, ctx): ...
