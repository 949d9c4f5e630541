from faas_iac import App, Queue, Secret, Table

app = App("bad")


@app.http("/a", methods=5)  # expect FIAC100 "methods = 5"
def a(req, ctx): ...
