"""The SDK apply engine: the same plan, applied with boto3 (for emulators such as moto)."""
