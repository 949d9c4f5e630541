from faas_iac import App

app = App("bad")


@app.http("/a")
def handler(req, ctx): ...


@app.queue("jobs", name="handler")  # expect FIAC102
def other(msg, ctx): ...
