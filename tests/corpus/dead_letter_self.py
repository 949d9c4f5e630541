# expect: FIAC133
from faas_iac import App

app = App("bad")


@app.queue("orders", dead_letter="orders")
def take(msg, ctx): ...
