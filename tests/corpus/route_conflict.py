from faas_iac import App

app = App("bad")


@app.http("/orders/{id}", methods=["GET"])
def get_order(req, ctx): ...


@app.http("/orders/{order_id}", methods=["GET", "DELETE"])  # expect FIAC103
def show_order(req, ctx): ...
