"""Which AWS engine runs each orchestrator, and why.

* ``aws_engine="step_functions"``: a state machine (the translator must accept it; its
  refusals are the plan's errors);
* ``aws_engine="lambda_durable"``: a Lambda durable function running the generator itself;
* unset: Step Functions when the translator accepts the orchestrator, Lambda durable functions
  otherwise (the reasons are every refusal of the translator).

Each engine starts only its own kind: a state machine calls its sub-orchestrators as state
machines, a durable function invokes theirs as durable functions (by alias). So an
orchestrator whose sub-orchestrator runs on Lambda durable functions runs there too (or, when
it asked for Step Functions, is refused: FIAC310), and a sub-orchestrator called by a durable
function runs on Lambda durable functions too (or, when it asked for Step Functions, is
refused at the call's line: FIAC312). The callee follows its caller rather than being started
across engines, because it then runs with the same semantics, the same client and the same
least-privilege grant (the caller's role invokes the callee's alias); the durable caller's
calls are read from its source (:mod:`.calls`), so a name computed at run time makes every
orchestrator it may call follow. Pure: the model and the translate stage's result in, the
choices out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from faas_iac.errors import Diagnostic
from faas_iac.model import AppModel
from faas_iac.translate import Translation

from .calls import Calls, calls_of

Engine = Literal["step_functions", "lambda_durable"]
ENGINE_NAMES = {"step_functions": "Step Functions", "lambda_durable": "Lambda durable functions"}


@dataclass(frozen=True)
class Choice:
    engine: Engine
    reason: str


@dataclass(frozen=True)
class Engines:
    choices: dict[str, Choice] = field(default_factory=dict)
    problems: tuple[Diagnostic, ...] = ()
    #: what each orchestrator on Lambda durable functions calls
    calls: dict[str, Calls] = field(default_factory=dict)

    def of(self, engine: Engine) -> list[str]:
        return sorted(n for n, c in self.choices.items() if c.engine == engine)

    def notes(self) -> tuple[str, ...]:
        """One line per orchestrator: where it runs and why (``faas-iac plan`` prints them)."""
        return tuple(
            f"orchestrator {name!r} runs on {ENGINE_NAMES[c.engine]}: {c.reason}"
            for name, c in sorted(self.choices.items())
        )


def _refused(diagnostics: tuple[Diagnostic, ...]) -> str:
    return "; ".join(f"{d.code} at {d.location}: {d.message}" for d in diagnostics)


def choose(app: AppModel, translation: Translation) -> Engines:
    choices: dict[str, Choice] = {}
    problems: list[Diagnostic] = []
    asked: dict[str, Engine | None] = {}
    for fn in app.by_kind("orchestrator"):
        wanted = getattr(fn.trigger, "aws_engine", None)
        asked[fn.name] = wanted
        refusals = tuple(translation.refused.get(fn.name, ()))
        if wanted == "lambda_durable":
            choices[fn.name] = Choice("lambda_durable", 'aws_engine="lambda_durable"')
        elif fn.name in translation.workflows:
            why = (
                'aws_engine="step_functions"'
                if wanted
                else "the translator accepts it (no compute billed while it waits)"
            )
            choices[fn.name] = Choice("step_functions", why)
        elif wanted == "step_functions":
            problems += refusals
        else:
            choices[fn.name] = Choice(
                "lambda_durable", f"Step Functions cannot run it: {_refused(refusals)}"
            )
    calls: dict[str, Calls] = {}  # of the durable ones, read from their source when needed
    changed = True
    while changed:  # a machine's sub-orchestrators are machines, a durable one's durable
        changed = False
        for name, choice in sorted(choices.items()):
            if choice.engine == "step_functions":
                changed |= _machine_follows(app, name, translation, asked, choices, problems)
            else:
                if name not in calls:
                    calls[name] = calls_of(app.function(name))
                changed |= _callees_follow(app, name, calls[name], asked, choices, problems)
    durable = {n: c for n, c in calls.items() if n in choices}
    return Engines(choices, tuple(problems), durable)


def _machine_follows(
    app: AppModel,
    name: str,
    translation: Translation,
    asked: dict[str, Engine | None],
    choices: dict[str, Choice],
    problems: list[Diagnostic],
) -> bool:
    """A state machine starts only state machines: ``name`` moves to Lambda durable functions
    when a sub-orchestrator of it runs there (FIAC310 when it asked for Step Functions)."""
    calls = translation.workflows[name].orchestrators
    durable = sorted(c for c in calls if c in choices and choices[c].engine == "lambda_durable")
    if not durable:
        return False
    if asked[name] == "step_functions":
        fn = app.function(name)
        problems.append(
            Diagnostic(
                "FIAC310",
                f"orchestrator {name!r} asks for Step Functions but calls "
                f"{', '.join(map(repr, durable))}, which runs on Lambda durable "
                "functions (a state machine starts only state machines)",
                f'drop aws_engine="step_functions" from {name!r}, or run '
                f"{durable[0]!r} on Step Functions",
                fn.source,
                f"functions.{name}.trigger.aws_engine",
            )
        )
        del choices[name]
    else:
        choices[name] = Choice(
            "lambda_durable",
            f"it calls {', '.join(map(repr, durable))}, which runs on Lambda durable functions",
        )
    return True


def _callees_follow(
    app: AppModel,
    name: str,
    calls: Calls,
    asked: dict[str, Engine | None],
    choices: dict[str, Choice],
    problems: list[Diagnostic],
) -> bool:
    """A durable function starts only durable functions (it invokes their alias): a
    sub-orchestrator of ``name`` that would run on Step Functions moves to Lambda durable
    functions (FIAC312 at the call when it asked for Step Functions)."""
    every = [o.name for o in app.by_kind("orchestrator")]
    machines = [
        c
        for c in calls.of("orchestrator", every)
        if c in choices and choices[c].engine != "lambda_durable"
    ]
    for callee in machines:
        where = calls.where("orchestrator", callee)
        if asked[callee] == "step_functions":
            computed = "orchestrator" in calls.computed and (
                ("orchestrator", callee) not in calls.lines
            )
            how = (
                "may call (its sub-orchestrator's name is computed at run time)"
                if computed
                else "calls"
            )
            problems.append(
                Diagnostic(
                    "FIAC312",
                    f"orchestrator {name!r} runs on Lambda durable functions and {how} "
                    f"{callee!r}, which asks for Step Functions (a durable function starts only "
                    "durable functions)",
                    f'drop aws_engine="step_functions" from {callee!r}, or run {name!r} on Step '
                    "Functions",
                    where,
                    f"functions.{callee}.trigger.aws_engine",
                )
            )
            del choices[callee]
        else:
            choices[callee] = Choice(
                "lambda_durable",
                f"{name!r} calls it ({where}) and runs on Lambda durable functions",
            )
    return bool(machines)
