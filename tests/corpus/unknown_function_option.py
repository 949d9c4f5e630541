from faas_iac import App

app = App("bad")


@app.http("/x", memroy=512)  # expect FIAC101
def handler(req, ctx): ...
