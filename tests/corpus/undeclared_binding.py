from faas_iac import App, Queue

app = App("bad")
app.declare(Queue("shipments"))


@app.http("/ship", methods=["POST"], writes=["queue:shipment"])  # expect FIAC130
def ship(req, ctx): ...
