# expect: FIAC142
from faas_iac import App

app = App("bad")


def make():
    @app.http("/inner")
    def inner(req, ctx): ...

    return inner


make()
