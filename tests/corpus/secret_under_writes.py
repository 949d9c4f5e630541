from faas_iac import App, Queue, Secret, Table

app = App("bad")
app.declare(Secret("db"))


@app.http("/a", writes=["secret:db"])  # expect FIAC132 "only reads secrets"
def a(req, ctx): ...
