from faas_iac import App, Queue, Secret, Table

app = App("bad")


@app.http("/a", timeout=0)  # expect FIAC120 "outside 1-3600"
def a(req, ctx): ...
