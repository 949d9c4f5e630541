from faas_iac import App

app = App("bad")


@app.schedule("*/5 * * *")  # expect FIAC110
def tick(timer, ctx): ...
