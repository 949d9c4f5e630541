# expect: FIAC001
from faas_iac import App

app = App("bad"


@app.http("/a")
def a(req, ctx): ...
