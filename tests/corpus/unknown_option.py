# expect: FIAC101
from faas_iac import App

app = App("bad")


@app.queue("orders", batchsize=10)
def take(msg, ctx): ...
