from faas_iac import App, Queue, Secret, Table

app = App("bad")


@app.event  # expect FIAC100 "has no pattern"
def a(event, ctx): ...
