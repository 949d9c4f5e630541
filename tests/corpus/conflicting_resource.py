from faas_iac import App, Queue

app = App("bad")
app.declare(Queue("orders", max_deliveries=3))  # expect FIAC131


@app.queue("orders", max_deliveries=10)
def take(msg, ctx): ...
