# expect: FIAC111
from faas_iac import App

app = App("bad")


@app.schedule("0 0 30 2 *")
def never(timer, ctx): ...
