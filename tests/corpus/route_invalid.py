# expect: FIAC104
from faas_iac import App

app = App("bad")


@app.http("orders/{id}")
def get_order(req, ctx): ...
