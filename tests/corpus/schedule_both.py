from faas_iac import App

app = App("bad")


@app.schedule("0 * * * *", every="5 minutes")  # expect FIAC115
def tick(timer, ctx): ...
