from faas_iac import App

app = App("bad")


@app.http("/files/{*path}/meta")  # expect FIAC104
def meta(req, ctx): ...
