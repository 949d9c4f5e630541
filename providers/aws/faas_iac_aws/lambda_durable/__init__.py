"""Orchestrators on AWS Lambda durable functions: the second AWS engine, for the orchestrators
Step Functions cannot run (or that ask for it with ``aws_engine="lambda_durable"``).

* :mod:`.adapter`: the durable function's body: the user's generator, replayed by the local
  engine's code over the SDK's operations (:mod:`.history` reads them back as history);
* :mod:`.entry`: its Lambda handler (``faas_iac_aws.lambda_durable.entry.handler``);
* :mod:`.registry`: the callback registry (``raise_event`` → the waiting callback, or a buffer);
* :mod:`.aws`: the adapter's seam to AWS (registry, entity table, next generation);
* :mod:`.client`: the portable client's side of this engine.

Importing this package imports nothing.
"""
