"""The corpus orchestrators, one blueprint per kind of orchestration."""
