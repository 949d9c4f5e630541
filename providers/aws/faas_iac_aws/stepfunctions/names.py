"""What the ASL emitter needs to know about the deployed world: ARNs and table names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Names:
    """ARNs of the app's Lambda functions and state machines, and the registry tables.

    * ``functions``: activity (or entity) name → Lambda function ARN;
    * ``state_machines``: orchestrator name → state machine ARN (sub-orchestrations);
    * ``token_registrar``: the Lambda ARN that records task tokens (see the package docstring);
    * ``registry_table``: the DynamoDB table of tokens, buffered events and custom statuses.
    """

    functions: Mapping[str, str] = field(default_factory=dict)
    state_machines: Mapping[str, str] = field(default_factory=dict)
    token_registrar: str = ""
    registry_table: str = ""

    def function(self, name: str) -> str:
        return self.functions[name]

    def state_machine(self, name: str) -> str:
        return self.state_machines[name]


def default_names(
    app: str,
    activities: Iterable[str],
    orchestrators: Iterable[str],
    *,
    region: str = "us-east-1",
    account: str = "123456789012",
) -> Names:
    """The names the AWS planner gives by default: ``<app>-<name>`` in one region/account."""
    fn = f"arn:aws:lambda:{region}:{account}:function:{app}-"
    sm = f"arn:aws:states:{region}:{account}:stateMachine:{app}-"
    return Names(
        functions={a: fn + a for a in activities},
        state_machines={o: sm + o for o in orchestrators},
        token_registrar=fn + "durable-tokens",
        registry_table=f"{app}-durable",
    )
