from faas_iac import App, Queue, Secret, Table

app = App("bad")


@app.http  # expect FIAC104 "has no route"
def a(req, ctx): ...
