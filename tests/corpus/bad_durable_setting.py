# expect: FIAC101
from faas_iac import App

app = App("bad", durable={"max_concurrent_activity": 10})


@app.activity
def step(value): ...
