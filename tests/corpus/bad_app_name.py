from faas_iac import App

app = App("Bad App")  # expect FIAC106


@app.http("/a")
def a(req, ctx): ...
