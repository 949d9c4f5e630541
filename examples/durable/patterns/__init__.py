"""One module per Durable Functions pattern, each a Blueprint registered by ``app.py``."""
