from faas_iac import App, Queue, Secret, Table

app = App("bad")


@app.http("/a", memory=512.5)  # expect FIAC100 "fractional part"
def a(req, ctx): ...
