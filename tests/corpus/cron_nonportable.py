# expect: FIAC110
from faas_iac import App

app = App("bad")


@app.schedule("0 0 L * *")
def month_end(timer, ctx): ...
