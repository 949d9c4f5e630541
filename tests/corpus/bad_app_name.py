# expect: FIAC106
from faas_iac import App

app = App("Bad App")


@app.http("/a")
def a(req, ctx): ...
