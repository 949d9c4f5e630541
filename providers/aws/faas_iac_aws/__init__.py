"""The AWS provider of faas-iac. Everything that knows about AWS lives in this package."""
