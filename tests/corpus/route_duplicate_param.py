from faas_iac import App

app = App("bad")


@app.http("/a/{id}/b/{id}")  # expect FIAC104
def ab(req, ctx): ...
