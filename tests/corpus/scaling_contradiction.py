# expect: FIAC122
from faas_iac import App

app = App("bad")


@app.http("/a", min_instances=5, max_instances=2)
def a(req, ctx): ...
