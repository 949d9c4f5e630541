# expect: FIAC104
from faas_iac import App

app = App("bad")


@app.http("/a/{id}/b/{id}")
def ab(req, ctx): ...
