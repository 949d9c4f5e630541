from faas_iac import App, Queue, Secret, Table

app = App("bad")


@app.http("/a", env="LOG_LEVEL=debug")  # expect FIAC100 "env= is str, not a dict"
def a(req, ctx): ...
