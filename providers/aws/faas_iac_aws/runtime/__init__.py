"""The Lambda adapter of the faas-iac shim, shipped as a Lambda layer. Standard library only:
boto3 (present in every Lambda Python runtime) is imported only when a binding or the durable
client is used."""
