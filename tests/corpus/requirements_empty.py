from faas_iac import App, Queue, Secret, Table

app = App("bad", requirements=["requests", ""])  # expect FIAC100 "requirements[1]"


@app.http("/a")
def a(req, ctx): ...
