from faas_iac import App, Queue, Secret, Table

app = App("bad")


@app.schedule("@daily")  # expect FIAC110 "nickname"
def a(timer, ctx): ...
