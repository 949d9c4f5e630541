# expect: FIAC104
from faas_iac import App

app = App("bad")


@app.http("/files/{*path}/meta")
def meta(req, ctx): ...
