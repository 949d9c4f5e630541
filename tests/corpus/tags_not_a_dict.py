from faas_iac import App, Queue, Secret, Table

app = App("bad")


@app.http("/a", tags=["team-a"])  # expect FIAC100 "tags= is list"
def a(req, ctx): ...
