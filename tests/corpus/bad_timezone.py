from faas_iac import App

app = App("bad")


@app.schedule("0 9 * * *", tz="Europe/Pariss")  # expect FIAC112
def report(timer, ctx): ...
