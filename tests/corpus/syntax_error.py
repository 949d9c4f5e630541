from faas_iac import App

app = App("bad"  # expect FIAC001


@app.http("/a")
def a(req, ctx): ...
