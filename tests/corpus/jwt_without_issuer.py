from faas_iac import App

app = App("bad")


@app.http("/a", auth="jwt")  # expect FIAC100
def a(req, ctx): ...
