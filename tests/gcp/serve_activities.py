"""Serve the activities of a generated ``gcp-app/`` folder over HTTP on 127.0.0.1, each through
functions-framework's own app for its target (``create_app``), under ``/fn/<activity>``.

Usage: ``python serve_activities.py FOLDER PORT ACTIVITY...`` with ``PYTHONPATH=FOLDER``: one
process for the app's activities (Cloud Functions runs one per function; the requests and
answers are the same), its modules isolated from the test process."""

from __future__ import annotations

import sys

import functions_framework
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server


def main() -> None:
    folder, port, *activities = sys.argv[1:]
    apps = {
        f"/fn/{name}": functions_framework.create_app(
            "fn_" + name.replace("-", "_"), f"{folder}/main.py"
        )
        for name in activities
    }
    root = DispatcherMiddleware(apps[next(iter(apps))], apps)
    make_server("127.0.0.1", int(port), root, threaded=True).serve_forever()


if __name__ == "__main__":
    main()
