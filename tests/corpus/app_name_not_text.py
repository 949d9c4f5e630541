from faas_iac import App, Queue, Secret, Table

app = App(42)  # expect FIAC106 "int, not text"


@app.http("/a")
def a(req, ctx): ...
