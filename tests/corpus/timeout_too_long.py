from faas_iac import App

app = App("bad")


@app.http("/slow", timeout=7200)  # expect FIAC120
def slow(req, ctx): ...
