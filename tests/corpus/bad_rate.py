# expect: FIAC114
from faas_iac import App

app = App("bad")


@app.schedule(every="five minutes")
def tick(timer, ctx): ...
