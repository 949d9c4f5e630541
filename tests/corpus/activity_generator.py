# expect: FIAC141
from faas_iac import App

app = App("bad")


@app.activity
def step(value):
    yield value
