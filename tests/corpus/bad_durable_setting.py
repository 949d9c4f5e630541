from faas_iac import App

app = App("bad", durable={"max_concurrent_activity": 10})  # expect FIAC101


@app.activity
def step(value): ...
