from faas_iac import App

app = App("bad")


@app.http("/a", secrets={"DB_PASSWORD": "hunter2!"})  # expect FIAC135 "(not shown)"
def a(req, ctx): ...
