"""Step Functions: the ASL emitter for translated orchestrators.

``to_asl(workflow_ir, names) -> dict`` turns the provider-neutral IR of one orchestrator
(:func:`faas_iac.translate.translate`) into an ASL definition in JSONata mode; ``names``
(:class:`Names`) gives the Lambda ARNs of the activities, the state machine ARNs of
sub-orchestrators, the token-registrar Lambda and the durable DynamoDB table. The token-registry
item schema (partition key ``pk`` = ``"<execution name>#<event name>"``, attribute ``token``;
``payload`` for an event raised early; ``"<execution name>#status"`` / ``status`` for the custom
status) is documented in :mod:`.registry`, whose :func:`~.registry.raise_event` is what the
AWS durable client's ``raise_event`` uses. ``check(workflow_ir, definition)`` lists the limit
findings (history estimate, loops, definition size) for the planner to report.
"""

from .asl import INLINE_MAP_LIMIT, retrier
from .flow import to_asl
from .history import check, history_events
from .names import Names, default_names
from .registry import custom_status, raise_event, register

__all__ = [
    "INLINE_MAP_LIMIT",
    "Names",
    "check",
    "custom_status",
    "default_names",
    "history_events",
    "raise_event",
    "register",
    "retrier",
    "to_asl",
]
