from faas_iac import App

app = App("bad")


@app.http("/orders/{id}", reads=["table:orders"])  # expect FIAC130
def get_order(req, ctx): ...
