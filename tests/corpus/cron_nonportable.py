from faas_iac import App

app = App("bad")


@app.schedule("0 0 L * *")  # expect FIAC110
def month_end(timer, ctx): ...
