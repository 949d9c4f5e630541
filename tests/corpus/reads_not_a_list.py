from faas_iac import App, Queue, Secret, Table

app = App("bad")


@app.http("/a", reads=Table)  # expect FIAC132 "not a list of resources"
def a(req, ctx): ...
