from faas_iac import App, Queue, Secret, Table

app = App("bad")


@app.schedule("0 3 * * *", tz=1)  # expect FIAC112 "not text"
def a(timer, ctx): ...
