# expect: FIAC130
from faas_iac import App, Queue

app = App("bad")
app.declare(Queue("shipments"))


@app.http("/ship", methods=["POST"], writes=["queue:shipment"])
def ship(req, ctx): ...
