# expect: FIAC101
from faas_iac import App

app = App("bad")


@app.http("/x", memroy=512)
def handler(req, ctx): ...
