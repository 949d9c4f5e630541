from faas_iac import App

app = App("bad")


@app.schedule("0 9 * * 6-0")  # expect FIAC110
def weekend(timer, ctx): ...
