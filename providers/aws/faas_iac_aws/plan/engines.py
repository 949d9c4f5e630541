"""Which AWS engine runs each orchestrator, and why.

* ``aws_engine="step_functions"``: a state machine (the translator must accept it; its
  refusals are the plan's errors);
* ``aws_engine="lambda_durable"``: a Lambda durable function running the generator itself;
* unset: Step Functions when the translator accepts the orchestrator, Lambda durable functions
  otherwise (the reasons are every refusal of the translator).

A state machine calls its sub-orchestrators as state machines, so an orchestrator whose
sub-orchestrator runs on Lambda durable functions runs there too (or, when it asked for Step
Functions, is refused: FIAC310). Pure: the model and the translate stage's result in, the
choices out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from faas_iac.errors import Diagnostic
from faas_iac.model import AppModel
from faas_iac.translate import Translation

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
    changed = True
    while changed:  # a machine's sub-orchestrators are machines too
        changed = False
        for name, choice in sorted(choices.items()):
            if choice.engine != "step_functions":
                continue
            calls = translation.workflows[name].orchestrators
            durable = sorted(
                c for c in calls if c in choices and choices[c].engine != choice.engine
            )
            if not durable:
                continue
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
                    f"it calls {', '.join(map(repr, durable))}, which runs on Lambda durable "
                    "functions",
                )
            changed = True
    return Engines(choices, tuple(problems))
