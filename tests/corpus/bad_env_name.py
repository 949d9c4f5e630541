from faas_iac import App

app = App("bad")


@app.http("/a", env={"my-setting": "1"})  # expect FIAC106 "lowercase letters and '-'"
def a(req, ctx): ...
