from faas_iac import App

app = App("bad")


@app.queue("orders", dead_letter="orders")  # expect FIAC133
def take(msg, ctx): ...
