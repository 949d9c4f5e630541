from faas_iac import App

app = App("bad")


@app.queue("Orders_Queue")  # expect FIAC106 "queue name"
def take(msg, ctx): ...
