"""The embedded default target: the local plan and the ``faas-iac dev`` host.

Stages, in one direction (each module names what it may not do):

* ``planner``  — the ``local`` provider's plan: pure, reads the model.
* ``host``     — loads the app (the only place user code is imported), builds a ``Runtime``
  per source version, swaps it on reload.
* ``store``    — the one SQLite boundary: deliveries, tables, schedule marks.
* ``bindings`` — the ``Bindings`` seam on the store and the bucket folders; fans writes out to
  subscriber channels.
* ``workers``  — delivery loops (claim, call, ack / retry / dead-letter) and schedules.
* ``invoker``, ``pool`` — one function's context, worker pool and timeout.
* ``asgi``, ``admin``, ``routes`` — the HTTP surface (``/api``, ``/admin``, durable
  management), no framework; ``server`` runs it under uvicorn on 127.0.0.1.
* ``patterns`` — event-bus patterns and topic filters: pure.
* ``paths``    — object keys and URL path segments, checked and encoded alike by the host and
  its clients (nothing is ever normalised): pure.
* ``protocol`` — uvicorn's httptools protocol with coalesced writes, a head-size limit (431)
  and a head deadline (408).
* ``keys``, ``logs`` — function keys, secrets, JSON-lines logs with secrets redacted.
* ``handlers`` — finding a handler from ``Function.handler`` (shared with the durable engine).
* ``once``     — ``faas-iac invoke``: one call, in-process, against the state folder.
"""
