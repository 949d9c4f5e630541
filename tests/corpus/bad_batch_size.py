from faas_iac import App

app = App("bad")


@app.queue("orders", batch_size=0)  # expect FIAC100
def take(msg, ctx): ...
