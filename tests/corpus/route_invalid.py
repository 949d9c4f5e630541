from faas_iac import App

app = App("bad")


@app.http("orders/{id}")  # expect FIAC104
def get_order(req, ctx): ...
