from faas_iac import App

app = App("bad")


@app.http("/a", writes=["orders"])  # expect FIAC132
def a(req, ctx): ...
