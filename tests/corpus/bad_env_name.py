from faas_iac import App

app = App("bad")


@app.http("/a", env={"my-setting": "1"})  # expect FIAC100
def a(req, ctx): ...
