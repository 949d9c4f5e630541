# expect: FIAC110
from faas_iac import App

app = App("bad")


@app.schedule("0 61 * * * *")
def tick(timer, ctx): ...
