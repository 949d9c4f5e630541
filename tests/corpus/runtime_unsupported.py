from faas_iac import App, Queue, Secret, Table

app = App("bad")


@app.http("/a", runtime="python3.9")  # expect FIAC100 "python3.11"
def a(req, ctx): ...
