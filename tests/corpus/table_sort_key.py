from faas_iac import App, Queue, Secret, Table

app = App("bad")
app.declare(Table("orders", sort_key="created at"))  # expect FIAC100 "not an attribute name"


@app.http("/a", reads=["table:orders"])
def a(req, ctx): ...
