# expect: FIAC100
from faas_iac import App

app = App("bad")


@app.queue("Orders_Queue")
def take(msg, ctx): ...
