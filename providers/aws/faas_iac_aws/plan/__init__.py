"""The AWS planner: model → plan records typed after ``pulumi_aws`` resource types. Pure: no
cloud calls, no files written, no Pulumi or boto3 imports."""

from .planner import plan

__all__ = ["plan"]
