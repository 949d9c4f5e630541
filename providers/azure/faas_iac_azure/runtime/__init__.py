"""The Azure side of the runtime shim, copied into every generated Function App next to
``faas_iac``: it imports only the standard library, ``faas_iac.runtime`` and the packages the
Azure Python worker provides (``azure.functions``, ``azure.durable_functions``); cloud SDKs for
output bindings are imported on first use."""
