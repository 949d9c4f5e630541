# expect: FIAC130
from faas_iac import App

app = App("bad")


@app.http("/orders/{id}", reads=["table:orders"])
def get_order(req, ctx): ...
