# expect: FIAC113
from faas_iac import App

app = App("bad")


@app.schedule("0 9 1 * MON")
def report(timer, ctx): ...
