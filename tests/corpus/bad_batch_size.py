# expect: FIAC100
from faas_iac import App

app = App("bad")


@app.queue("orders", batch_size=0)
def take(msg, ctx): ...
