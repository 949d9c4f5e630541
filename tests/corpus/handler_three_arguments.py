from faas_iac import App, Queue, Secret, Table

app = App("bad")


@app.queue("jobs")  # expect FIAC142 "needs 3 arguments"
def a(msg, ctx, retries): ...
