"""The Azure provider of faas-iac. Everything that knows about Azure lives in this package."""
