from faas_iac import App, Queue, Secret, Table

app = App("bad")


@app.queue("jobs", dead_letter="Jobs_DLQ")  # expect FIAC106 "dead-letter queue name"
def a(msg, ctx): ...
