"""The Azure planner: model → plan records typed after ``pulumi_azure_native`` resource types.
Pure: no cloud calls, no files written, no Pulumi imports."""

from .planner import plan

__all__ = ["plan"]
