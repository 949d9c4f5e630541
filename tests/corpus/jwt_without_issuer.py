# expect: FIAC100
from faas_iac import App

app = App("bad")


@app.http("/a", auth="jwt")
def a(req, ctx): ...
