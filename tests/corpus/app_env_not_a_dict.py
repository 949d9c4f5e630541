from faas_iac import App, Queue, Secret, Table

app = App("bad", env=["LOG_LEVEL=debug"])  # expect FIAC100 "env= is list, not a dict"


@app.http("/a")
def a(req, ctx): ...


@app.http("/b")
def b(req, ctx): ...
