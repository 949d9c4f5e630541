from faas_iac import App

app = App("bad")


@app.http("/a", min_instances=5, max_instances=2)  # expect FIAC122
def a(req, ctx): ...
