from faas_iac import Bucket, App

app = App("bad")
app.declare(Bucket("images", versioned=True))  # expect FIAC101
