"""Coded, located errors that say what is wrong, where, and how to fix it.

Codes are stable: tests pin them and users search for them. Ranges:

* ``FIAC0xx`` loading an app and choosing a provider
* ``FIAC1xx`` the model (decorators, options, names, routes, schedules, bindings)
* ``FIAC2xx`` planning and packaging (any provider; a provider that cannot express a feature)
* ``FIAC3xx`` AWS, ``FIAC4xx`` Azure, ``FIAC5xx`` GCP (raised only by their providers)
* ``FIAC6xx`` the orchestration translator, ``FIAC7xx`` policy rules, ``FIAC8xx`` the local host

Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, NamedTuple

Severity = Literal["error", "warning"]

#: Every code with a short title. A test checks that each raised code is listed here.
CODES: dict[str, str] = {
    "FIAC001": "app file cannot be loaded",
    "FIAC002": "no App found",
    "FIAC003": "unknown provider",
    "FIAC004": "app raised an error while importing",
    "FIAC005": "unknown compile option",
    "FIAC006": "invalid stage name",
    "FIAC100": "invalid option value",
    "FIAC101": "unknown option",
    "FIAC102": "duplicate function name",
    "FIAC103": "route conflict",
    "FIAC104": "invalid route",
    "FIAC105": "unknown trigger",
    "FIAC106": "invalid name",
    "FIAC107": "function has two triggers",
    "FIAC110": "invalid cron expression",
    "FIAC111": "cron expression never fires",
    "FIAC112": "unknown time zone",
    "FIAC113": "cron restricts both day-of-month and day-of-week",
    "FIAC114": "invalid rate",
    "FIAC115": "schedule needs exactly one of cron or every",
    "FIAC120": "timeout above every target's limit",
    "FIAC121": "memory out of range",
    "FIAC122": "scaling limits contradict each other",
    "FIAC130": "binding to an undeclared resource",
    "FIAC131": "conflicting resource declarations",
    "FIAC132": "invalid binding reference",
    "FIAC133": "dead-letter queue is the queue itself",
    "FIAC134": "secret-looking value in env= (use secrets=)",
    "FIAC135": "secrets= value is not a secret name",
    "FIAC136": "declare() got something that is not a resource",
    "FIAC140": "orchestrator is not a generator function",
    "FIAC141": "activity or entity is a generator function",
    "FIAC142": "handler is not callable",
    "FIAC143": "runtime does not match the handler",
    "FIAC144": "external function code folder missing",
    "FIAC145": "orchestrator calls an activity or orchestrator no function defines",
    "FIAC146": "invalid RetryOptions value",
    "FIAC200": "feature not expressible on the target",
    "FIAC201": "schedule not expressible on the target",
    "FIAC202": "packaging failed",
    "FIAC203": "plan has a dependency cycle",
    "FIAC204": "provider has no Pulumi emitter",
    "FIAC205": "provider cannot report a deployed app's status",
    "FIAC206": "include pattern packages no file",
    "FIAC207": "requirement has no wheel for the target platform",
    "FIAC208": "requirements cannot be installed for the target",
    "FIAC209": "deploy or destroy not confirmed",
    "FIAC210": "deployed state cannot be read",
    "FIAC211": "no logs to read for the provider or function",
    "FIAC301": "Lambda limit exceeded",
    "FIAC302": "queue visibility timeout shorter than the function timeout",
    "FIAC303": "AWS name too long",
    "FIAC304": "AWS deploy call failed",
    "FIAC305": "no recorded AWS deployment",
    "FIAC306": "provider has no SDK apply engine",
    "FIAC307": "no AWS region",
    "FIAC308": "no usable AWS credentials",
    "FIAC309": "cannot reach AWS",
    "FIAC310": "a Step Functions orchestrator calls one on Lambda durable functions",
    "FIAC311": "Lambda durable functions SDK not installed",
    "FIAC312": "a Lambda durable orchestrator calls one that asks for Step Functions",
    "FIAC313": "another deploy of the app is running",
    "FIAC400": "invalid Azure compile option",
    "FIAC402": "schedules in several time zones on one Azure app",
    "FIAC403": "timeout above the Azure plan's limit",
    "FIAC404": "HTTP auth mode not expressible per function on Azure",
    "FIAC405": "topic filter not expressible as a Service Bus SQL filter",
    "FIAC406": "app setting conflict on Azure",
    "FIAC407": "binding access not available on Azure",
    "FIAC408": "event pattern not expressible as an Event Grid filter",
    "FIAC409": "runtime not supported by the generated Azure app",
    "FIAC410": "cannot sign in to Azure",
    "FIAC411": "Azure Function App not deployed",
    "FIAC412": "durable management key not available yet",
    "FIAC413": "function name reserved by the generated Azure app",
    "FIAC414": "memory above the Azure plan's instance size",
    "FIAC415": "instance count outside the Azure plan's range",
    "FIAC500": "runtime not offered by Cloud Functions gen2",
    "FIAC501": "timeout above the GCP limit for the trigger",
    "FIAC502": "queue ack deadline shorter than the function timeout",
    "FIAC503": "topic filter not expressible as a Pub/Sub filter",
    "FIAC504": "HTTP auth mode not expressible on GCP",
    "FIAC506": "two functions get the same GCP name",
    "FIAC507": "max deliveries outside Pub/Sub's dead-letter bounds",
    "FIAC508": "cannot reach the GCP project",
    "FIAC600": "orchestrator source cannot be read",
    "FIAC601": "statement not translatable",
    "FIAC602": "expression not translatable",
    "FIAC603": "non-deterministic value in an orchestrator",
    "FIAC604": "I/O in an orchestrator",
    "FIAC605": "yield of something that is not a durable task",
    "FIAC606": "general task_any race",
    "FIAC607": "activity or orchestrator name is not a string literal",
    "FIAC608": "retry options not known at compile time",
    "FIAC609": "timer not relative to current_utc_datetime",
    "FIAC610": "durable entities are not translated",
    "FIAC611": "unknown activity or orchestrator",
    "FIAC612": "task used in an unsupported way",
    "FIAC613": "loop control not translatable",
    "FIAC614": "nested function or class in an orchestrator",
    "FIAC615": "expression not expressible on the target",
    "FIAC620": "estimated history exceeds the target's limit",
    "FIAC621": "fan-out concurrency above the target's limit",
    "FIAC622": "too many parallel branches for the target",
    "FIAC623": "definition size above the target's limit",
    "FIAC701": "anonymous HTTP function",
    "FIAC702": "wildcard action or resource in an IAM policy",
    "FIAC703": "project-wide role on GCP",
    "FIAC704": "subscription- or resource-group-wide role assignment on Azure",
    "FIAC705": "secret in a plain environment variable",
    "FIAC706": "public bucket",
    "FIAC707": "key or connection string in Azure app settings",
    "FIAC708": "CORS '*' with credentials",
    "FIAC720": "timeout or memory beyond the target's limit",
    "FIAC721": "execution history may exceed the target's limit",
    "FIAC722": "fan-out wider than the target runs at once",
    "FIAC723": "too many parallel branches for the target",
    "FIAC724": "workflow definition larger than the target accepts",
    "FIAC725": "custom status over 16 KB",
    "FIAC726": "schedule the target cannot express",
    "FIAC730": "non-deterministic value in an orchestrator",
    "FIAC731": "sleep in an orchestrator",
    "FIAC732": "environment read in an orchestrator",
    "FIAC733": "I/O in an orchestrator",
    "FIAC734": "thread or task started in an orchestrator",
    "FIAC735": "orchestrator waits on something that is not a durable task",
    "FIAC736": "module state written from an orchestrator",
    "FIAC737": "endless loop without continue_as_new",
    "FIAC738": "network activity called without a retry policy",
    "FIAC739": "orchestrator a selected target cannot run",
    "FIAC740": "logs kept forever",
    "FIAC741": "no alert on function errors",
    "FIAC742": "queue trigger without a dead-letter queue",
    "FIAC743": "queue visibility timeout shorter than its function's timeout",
    "FIAC750": "the target refuses the app",
    "FIAC790": "suppression without a reason or of an unknown rule",
    "FIAC791": "suppression that suppresses nothing",
    "FIAC792": "invalid policy configuration",
    "FIAC801": "handler cannot be run locally",
    "FIAC802": "keys file is not valid JSON",
    "FIAC803": "secret not set",
    "FIAC804": "invalid object key",
    "FIAC805": "table item lacks its key",
    "FIAC806": "resource not declared or not allowed",
    "FIAC807": "HTTP handler returned a value that is not a response",
    "FIAC808": "handler timed out",
    "FIAC809": "handler raised an error",
    "FIAC810": "state folder in use by another host",
    "FIAC811": "no running host",
    "FIAC812": "request body is not valid JSON",
    "FIAC813": "host refused an admin request",
    "FIAC814": "function cannot be invoked alone",
    "FIAC815": "path does not match the HTTP function's route",
    "FIAC816": "port in use",
    "FIAC817": "object key clashes with another key",
    "FIAC818": "no dead letters by that name",
    "FIAC819": "init would overwrite a file",
    "FIAC870": "unknown orchestrator",
    "FIAC871": "orchestration instance already exists",
    "FIAC872": "orchestration instance not found",
    "FIAC873": "orchestration instance is not running",
    "FIAC874": "durable host unreachable",
    "FIAC875": "unknown orchestration runtime status",
    "FIAC876": "orchestration instance is still running",
    "FIAC877": "bulk purge without a filter",
    "FIAC878": "orchestrator code blocked the durable engine",
    "FIAC879": "Durable Functions API member not available on the target",
    "FIAC880": "orchestration instance cannot be rewound",
    "FIAC881": "test kit: no such function or resource",
    "FIAC882": "test kit: waiting for something that can never happen",
}


def shown_path(path: str) -> str:
    """A file as diagnostics show it: relative to the working directory when inside it."""
    from pathlib import Path

    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


class Diagnostic(NamedTuple):
    """One problem: a code, what is wrong, where (file:line and field path), and the fix."""

    code: str
    message: str
    fix: str = ""
    location: str = ""
    path: str = ""
    severity: Severity = "error"

    def render(self) -> str:
        where = f"{self.location}: " if self.location else ""
        field = f" [{self.path}]" if self.path else ""
        text = f"{where}{self.severity} {self.code}{field}: {self.message}"
        if self.fix:
            text += f"\n    fix: {self.fix}"
        return text

    def to_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "fix": self.fix,
            "location": self.location,
            "path": self.path,
        }


class FaasError(Exception):
    """A user-facing error made of one or more diagnostics. The CLI prints it without a trace."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        super().__init__(self.render())

    @classmethod
    def one(
        cls, code: str, message: str, *, fix: str = "", location: str = "", path: str = ""
    ) -> FaasError:
        return cls([Diagnostic(code, message, fix, location, path)])

    @property
    def codes(self) -> list[str]:
        return [d.code for d in self.diagnostics]

    def render(self) -> str:
        errors = [d for d in self.diagnostics if d.severity == "error"]
        head = f"{len(errors)} problem{'s' if len(errors) != 1 else ''} found:" if errors else ""
        body = "\n".join(d.render() for d in self.diagnostics)
        return f"{head}\n{body}" if head else body


class ValidationFailed(FaasError):
    """The app model is invalid; ``diagnostics`` lists every problem found."""


class NotExpressible(FaasError):
    """A provider cannot express a feature of the app (raised by planners, coded FIAC2xx-5xx)."""


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like ``word`` (difflib's ratio at least 0.6), for a did-you-mean; difflib
    is loaded only when a mistake asks for one."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None
