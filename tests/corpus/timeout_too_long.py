# expect: FIAC120
from faas_iac import App

app = App("bad")


@app.http("/slow", timeout=7200)
def slow(req, ctx): ...
