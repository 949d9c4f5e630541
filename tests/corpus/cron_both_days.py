from faas_iac import App

app = App("bad")


@app.schedule("0 9 1 * MON")  # expect FIAC113
def report(timer, ctx): ...
