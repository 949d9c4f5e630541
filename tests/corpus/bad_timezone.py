# expect: FIAC112
from faas_iac import App

app = App("bad")


@app.schedule("0 9 * * *", tz="Europe/Pariss")
def report(timer, ctx): ...
