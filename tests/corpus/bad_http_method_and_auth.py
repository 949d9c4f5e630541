from faas_iac import App

app = App("bad")


@app.http("/a", methods=["FETCH"], auth="public")  # expect FIAC100 FIAC100
def a(req, ctx): ...
