# expect: FIAC100
from faas_iac import App

app = App("bad")


@app.storage("uploads", events=["modified"])
def changed(event, ctx): ...
