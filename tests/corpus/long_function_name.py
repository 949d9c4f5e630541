from faas_iac import App

app = App("bad")


@app.http("/a", name="process_" + "x" * 92)  # expect FIAC106 "at most 63"
def a(req, ctx): ...
