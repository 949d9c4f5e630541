from faas_iac import App

app = App("bad")


@app.http("/tiny", memory=64)  # expect FIAC121
def tiny(req, ctx): ...
