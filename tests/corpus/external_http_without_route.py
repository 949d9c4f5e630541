from faas_iac import App, Queue, Secret, Table

app = App("bad")
app.external("js", runtime="nodejs20", handler="index.handler", code=".", trigger="http")  # expect FIAC104 "has no route"
