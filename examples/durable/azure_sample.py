"""The Azure Durable Functions Python quickstart (``function_app.py`` of the v2 programming
model), with faas-iac's decorators in place of ``df.DFApp``'s and the function bodies unchanged:
an ``async def`` HTTP starter that awaits ``client.start_new`` and answers with
``client.create_check_status_response``, a chaining orchestrator and its activity.

Run it: ``faas-iac dev examples/durable/azure_sample.py``, then
``curl -X POST -H "x-functions-key: <master key>" http://127.0.0.1:7071/api/orchestrators/hello_orchestrator``.
"""

from __future__ import annotations

import azure.functions as func

from faas_iac import App

myApp = App("azure-sample")


# An HTTP-triggered function with a Durable Functions client binding
@myApp.http("/orchestrators/{functionName}", methods=["GET", "POST"], durable_client=True)
async def http_start(req: func.HttpRequest, client):
    function_name = req.route_params.get("functionName")
    instance_id = await client.start_new(function_name)
    response = client.create_check_status_response(req, instance_id)
    return response


# Orchestrator
@myApp.orchestrator
def hello_orchestrator(context):
    result1 = yield context.call_activity("hello", "Seattle")
    result2 = yield context.call_activity("hello", "Tokyo")
    result3 = yield context.call_activity("hello", "London")

    return [result1, result2, result3]


# Activity
@myApp.activity
def hello(city: str):
    return f"Hello {city}"
