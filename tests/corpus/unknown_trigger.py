from faas_iac import App

app = App("bad")
app.external("resize", runtime="nodejs20", handler="index.handler", code=".", trigger="queu",  # expect FIAC105
             queue="images")
