# expect: FIAC110
from faas_iac import App

app = App("bad")


@app.schedule("0 9 * * 6-0")
def weekend(timer, ctx): ...
