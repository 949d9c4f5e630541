from faas_iac import App, Queue, Secret, Table

app = App("bad")


@app.queue  # expect FIAC100 "has no queue"
def a(msg, ctx): ...
