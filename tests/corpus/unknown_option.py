from faas_iac import App

app = App("bad")


@app.queue("orders", batchsize=10)  # expect FIAC101
def take(msg, ctx): ...
