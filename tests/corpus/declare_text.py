from faas_iac import App, Queue, Secret, Table

app = App("bad")
app.declare("queue:orders")  # expect FIAC136 "not a resource"


@app.http("/a", writes=["queue:orders"])  # expect FIAC130
def a(req, ctx): ...
