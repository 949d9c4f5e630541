from faas_iac import App

app = App("bad")


@app.schedule(every="five minutes")  # expect FIAC114
def tick(timer, ctx): ...
