from faas_iac import App

app = App("bad")


@app.http("/a", runtime="nodejs20")  # expect FIAC143
def a(req, ctx): ...
