from faas_iac import App, Queue, Secret, Table

app = App("bad")


@app.schedule(5)  # expect FIAC110 "cron is int (5), not text"
def a(timer, ctx): ...
