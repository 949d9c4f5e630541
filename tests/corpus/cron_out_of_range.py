from faas_iac import App

app = App("bad")


@app.schedule("0 61 * * * *")  # expect FIAC110
def tick(timer, ctx): ...
