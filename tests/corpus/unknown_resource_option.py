# expect: FIAC101
from faas_iac import Bucket, App

app = App("bad")
app.declare(Bucket("images", versioned=True))
