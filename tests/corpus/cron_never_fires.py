from faas_iac import App

app = App("bad")


@app.schedule("0 0 30 2 *")  # expect FIAC111
def never(timer, ctx): ...
