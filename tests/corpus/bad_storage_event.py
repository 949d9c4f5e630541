from faas_iac import App

app = App("bad")


@app.storage("uploads", events=["modified"])  # expect FIAC100
def changed(event, ctx): ...
