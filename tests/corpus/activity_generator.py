from faas_iac import App

app = App("bad")


@app.activity  # expect FIAC141
def step(value):
    yield value
