# expect: FIAC143
from faas_iac import App

app = App("bad")


@app.http("/a", runtime="nodejs20")
def a(req, ctx): ...
