# expect: FIAC132
from faas_iac import App

app = App("bad")


@app.http("/a", writes=["orders"])
def a(req, ctx): ...
