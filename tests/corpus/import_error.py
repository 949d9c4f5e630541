from faas_iac import App

app = App("bad")
settings = undefined_name + 1  # expect FIAC004
