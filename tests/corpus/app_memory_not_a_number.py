from faas_iac import App, Queue, Secret, Table

app = App("bad", memory="1GB")  # expect FIAC100 "valid integer"


@app.http("/a")
def a(req, ctx): ...


@app.http("/b")
def b(req, ctx): ...
