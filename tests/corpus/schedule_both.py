# expect: FIAC115
from faas_iac import App

app = App("bad")


@app.schedule("0 * * * *", every="5 minutes")
def tick(timer, ctx): ...
