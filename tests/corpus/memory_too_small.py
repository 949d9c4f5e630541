# expect: FIAC121
from faas_iac import App

app = App("bad")


@app.http("/tiny", memory=64)
def tiny(req, ctx): ...
