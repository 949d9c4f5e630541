from faas_iac import App

app = App("bad")


@app.http("/jobs")  # expect FIAC107 "has two triggers"
@app.queue("jobs")
def job(req, ctx): ...
