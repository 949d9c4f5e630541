# expect: FIAC100 FIAC100
from faas_iac import App

app = App("bad")


@app.http("/a", methods=["FETCH"], auth="public")
def a(req, ctx): ...
