"""The GCP provider of faas-iac. Everything that knows about GCP lives in this package."""
