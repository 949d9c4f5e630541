from faas_iac import App

app = App("bad")


@app.queue("Orders_Queue")  # expect FIAC100
def take(msg, ctx): ...
