from faas_iac import App, Queue, Secret, Table

app = App("bad", durable={"durability": "fast"})  # expect FIAC100 "'full' or 'normal'"


@app.http("/a")
def a(req, ctx): ...
