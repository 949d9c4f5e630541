from faas_iac import App

app = App("bad")


def make():
    @app.http("/inner")  # expect FIAC142
    def inner(req, ctx): ...

    return inner


make()
