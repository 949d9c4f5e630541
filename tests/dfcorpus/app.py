"""A corpus of orchestrators written the way Azure Durable Functions users write them, outside
this repo's own style: ``import azure.durable_functions as df``, ``df.RetryOptions``,
``context`` parameters, comprehensions, clock arithmetic, sagas, ``except Exception as e`` then
``str(e)``, tuple unpacking, f-string format specs, events with timeouts, monitors,
sub-orchestrations and ``continue_as_new``. Modelled on the kinds of code in the public
azure-functions-durable-python samples and the Durable Functions documentation (written anew).

The four-target execution test (``tests/translate/test_dfcorpus.py``) runs every case of
``tests/dfcorpus/cases.py`` on the local engine, the generated Azure app, Step Functions and
Workflows. Timers are in minutes and hours: the test's clock runs an hour per second.
"""

from __future__ import annotations

from orchestrations import (
    chaining,
    eternal,
    fanout,
    human,
    misc,
    monitors,
    retries,
    sagas,
    subs,
)

from faas_iac import App

app = App("dfcorpus")
for module in (chaining, fanout, monitors, human, sagas, retries, subs, eternal, misc):
    app.register(module.bp)
