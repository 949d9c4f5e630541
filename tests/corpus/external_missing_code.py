from faas_iac import App

app = App("bad")
app.external("resize", runtime="nodejs20", handler="index.handler", code="js", trigger="queue",  # expect FIAC144
             queue="images")
