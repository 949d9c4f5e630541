from faas_iac import App

app = App("bad")


@app.http("/a", auth="jwt", jwt={"audience": ["api"]})  # expect FIAC100 "has no 'issuer'"
def a(req, ctx): ...
