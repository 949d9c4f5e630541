"""``faas-iac check``: every rule over one app, for the selected targets, as findings.

The stages are the pipeline's (``faas_iac.plan.pipeline``): the model is already validated;
the orchestrators are translated once and the code packaged once, then each selected provider
plans from that one ``BuildContext`` (a provider that refuses the app gives its refusals, which
are findings too). Rules then read the model, the sources and each plan; findings of one rule
at one place are merged across targets; the configuration sets each one's severity and the
inline suppressions remove the ones a reason covers. Nothing is written and no cloud is called.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import Diagnostic, FaasError, Severity, shown_path
from ..model import AppModel
from ..plan.artifacts import build_code_zip, code_artifact
from ..plan.model import Plan
from ..plan.providers import BuildContext, get_provider
from ..plan.sources import app_files
from ..translate import Translation, translate_app
from .catalog import BAD_SUPPRESSION, BY_ID, META, REFUSED, RULES, UNUSED_SUPPRESSION
from .config import Config
from .rule import TARGETS, Hit, Res, Rule, Scope, Target
from .source import Sources
from .suppress import Suppression, scan


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    fix: str
    path: Path | None  # absolute; None when nothing in the source can be blamed
    line: int
    targets: tuple[str, ...]
    subject: str = ""

    @property
    def file(self) -> str:
        return shown_path(str(self.path)) if self.path else ""

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.file and self.line else self.file

    @property
    def fingerprint(self) -> str:
        """Stable across runs and unrelated edits: the rule, the file and what is blamed (a
        function, a resource, a call), not the line number."""
        key = "\0".join((self.rule, self.file, self.subject or self.message))
        return hashlib.sha256(key.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Report:
    app: str
    targets: tuple[str, ...]
    findings: tuple[Finding, ...]
    #: the rules that ran (enabled, applying to a selected target), in registry order
    rules: tuple[Rule, ...] = ()
    suppressed: int = 0

    def failing(self, threshold: Severity) -> list[Finding]:
        if threshold == "warning":
            return list(self.findings)
        return [f for f in self.findings if f.severity == "error"]


@dataclass
class _Run:
    model: AppModel
    root: Path
    targets: tuple[Target, ...]
    config: Config
    options: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    plans: dict[str, Plan] = field(default_factory=dict)
    refusals: dict[str, list[Diagnostic]] = field(default_factory=dict)
    translation: Translation = field(default_factory=Translation)

    # -- locations --------------------------------------------------------------------------
    def at(self, where: str) -> tuple[Path | None, int]:
        """``file:line`` relative to the app's root → (absolute path, line). A planner may add
        the field path after it (``app.py:12 [functions.tick.trigger]``)."""
        where = re.sub(r"\s*\[[^\]]*\]$", "", where)
        file, _, line = where.rpartition(":")
        if not file or not line.isdigit():
            file, line = where, "0"
        if not file:
            return None, 0
        path = Path(file)
        return (path if path.is_absolute() else self.root / path), int(line)

    def of_function(self, name: str | None) -> tuple[Path | None, int]:
        fn = next((f for f in self.model.functions if f.name == name), None)
        return self.at(fn.source if fn and fn.source else self.model.packaging.source)

    def of_resource(self, name: str) -> tuple[Path | None, int, str | None]:
        """A plan resource is blamed on the function its logical name carries (``fn-x``,
        ``route-x-get``), else on ``App(...)``."""
        best: str | None = None
        for fn in self.model.functions:
            f = fn.name
            if (
                name == f or name.endswith(f"-{f}") or f"-{f}-" in name or name.startswith(f"{f}-")
            ) and (best is None or len(f) > len(best)):
                best = f
        path, line = self.of_function(best)
        return path, line, best

    # -- checks -----------------------------------------------------------------------------
    def finding(self, rule: Rule, hit: Hit, targets: Sequence[str]) -> Finding:
        if hit.file is not None or hit.line is not None:
            path, line = (
                self.at(f"{hit.file}:{hit.line or 0}")
                if hit.file
                else self.of_function(hit.function)
            )
            if hit.file is None and hit.line is not None:
                line = hit.line
        else:
            path, line = self.of_function(hit.function)
        subject = hit.subject or hit.function or ""
        return Finding(
            rule.id, rule.severity, hit.message, rule.fix, path, line, tuple(targets), subject
        )

    def model_findings(
        self, rule: Rule, scope: Scope, applicable: Sequence[Target]
    ) -> Iterator[Finding]:
        assert rule.model is not None
        if not rule.per_target:
            for hit in rule.model(scope):
                yield self.finding(rule, hit, applicable)
            return
        for target in applicable:
            options = self.options.get(target, {})
            for hit in rule.model(replace(scope, target=target, options=options)):
                yield self.finding(rule, hit, (target,))

    def resource_findings(self, rule: Rule, applicable: Sequence[Target]) -> Iterator[Finding]:
        for target in applicable:
            plan = self.plans.get(target)
            if plan is None:
                continue
            types = {r.name: r.type for r in plan.resources}
            wanted = set(rule.types)
            resources = [
                Res(r.type, r.name, r.properties, types) for r in plan.resources if r.type in wanted
            ]
            hits: list[tuple[Res, str]] = []
            if rule.resource is not None:
                hits += [(res, msg) for res in resources for msg in rule.resource(res)]
            if rule.stack is not None:
                hits += list(rule.stack(resources))
            for res, message in hits:
                path, line, _ = self.of_resource(res.name)
                subject = f"{res.type}:{res.name}"
                yield Finding(
                    rule.id, rule.severity, message, rule.fix, path, line, (target,), subject
                )

    def refusal_findings(self) -> Iterator[Finding]:
        by_code = {code: rule for rule in RULES for code in rule.refusals}
        for target, problems in self.refusals.items():
            for d in problems:
                rule = by_code.get(d.code, REFUSED)
                if target not in rule.targets:
                    rule = REFUSED
                path, line = self.at(d.location) if d.location else self.of_function(None)
                message = (
                    d.message if rule is not REFUSED else f"{target} refuses: {d.code} {d.message}"
                )
                fix = d.fix or rule.fix
                subject = f"{d.code}:{d.path or d.message}"
                yield Finding(rule.id, rule.severity, message, fix, path, line, (target,), subject)


def _plan(run: _Run) -> None:
    """Translate and package once; each selected provider plans from the same context."""
    translation = translate_app(run.model, run.root)
    artifact = code_artifact(build_code_zip(app_files(run.model, run.root)))
    run.plans.clear()
    for target in run.targets:
        provider = get_provider(target)
        options = dict(run.options.get(target, {}))
        build = BuildContext(lambda: artifact, options, run.root, translation)
        try:
            run.plans[target] = provider.plan(run.model, build)
        except FaasError as exc:
            run.refusals[target] = [d for d in exc.diagnostics if d.severity == "error"]
    run.translation = translation


def _merge(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per rule and place: the first message, every target it holds on."""
    merged: dict[tuple[str, str, int, str], Finding] = {}
    for f in findings:
        key = (f.rule, str(f.path), f.line, f.subject if not f.line else "")
        old = merged.get(key)
        if old is None:
            merged[key] = f
        else:
            targets = tuple(t for t in TARGETS if t in old.targets or t in f.targets)
            merged[key] = replace(old, targets=targets)
    return list(merged.values())


def check(
    model: AppModel,
    root: Path,
    targets: Sequence[Target],
    config: Config | None = None,
    options: Mapping[str, Mapping[str, str]] | None = None,
) -> Report:
    """Every enabled rule over ``model`` for ``targets``; findings sorted by file and line."""
    config = config or Config(root)
    run = _Run(model, root, tuple(targets), config, dict(options or {}))
    _plan(run)
    scope = Scope(model, root, Sources(model, root), None, {}, run.translation)
    found: list[Finding] = []
    ran: list[Rule] = []
    for rule in RULES:
        applicable = [t for t in run.targets if t in rule.targets]
        if not applicable:
            continue
        if config.levels.get(rule.id) != "off":
            ran.append(rule)
        if rule.model is not None:
            found += run.model_findings(rule, scope, applicable)
        elif rule.resource_rule:
            found += run.resource_findings(rule, applicable)
    found += run.refusal_findings()
    findings = [
        replace(f, severity=level)
        for f in _merge(found)
        if (level := config.level(f.rule, f.path)) != "off"
    ]
    findings, suppressed, meta = _suppress(run, findings, {r.id for r in ran})
    findings += meta
    findings.sort(key=lambda f: (f.file, f.line, f.rule, f.message))
    return Report(model.name, run.targets, tuple(findings), tuple(ran), suppressed)


def _suppress(
    run: _Run, findings: list[Finding], ran: set[str]
) -> tuple[list[Finding], int, list[Finding]]:
    places = [f.path for f in findings]
    places += [run.at(fn.source)[0] for fn in run.model.functions]
    places.append(run.at(run.model.packaging.source)[0])
    files = {p for p in places if p is not None}
    comments: dict[tuple[Path, int], list[Suppression]] = {}
    every: list[Suppression] = []
    for path in sorted(p for p in files if p.suffix == ".py"):
        for s in scan(path):
            every.append(s)
            comments.setdefault((path, s.covers), []).append(s)
    kept: list[Finding] = []
    suppressed = 0
    for f in findings:
        cover = [
            s
            for s in (comments.get((f.path, f.line), []) if f.path else [])
            if f.rule in s.rules and s.reason and f.rule not in META
        ]
        for s in cover:
            s.used.add(f.rule)
        if cover:
            suppressed += 1
        else:
            kept.append(f)
    meta: list[Finding] = []
    for s in every:
        unknown = [r for r in s.rules if r not in BY_ID or r in META]
        if not s.reason or unknown or not s.rules:
            why = f"names {unknown}, not rules" if unknown else "gives no reason"
            if not s.rules:
                why = "names no rule"
            meta.append(
                Finding(
                    BAD_SUPPRESSION.id,
                    BAD_SUPPRESSION.severity,
                    f"this suppression {why}",
                    BAD_SUPPRESSION.fix,
                    s.path,
                    s.line,
                    run.targets,
                    f"{s.line}:{s.rules}",
                )
            )
            continue
        idle = [r for r in s.rules if r not in s.used and r in ran]
        if idle:
            meta.append(
                Finding(
                    UNUSED_SUPPRESSION.id,
                    UNUSED_SUPPRESSION.severity,
                    f"ignore[{', '.join(idle)}] suppresses nothing on line {s.covers}",
                    UNUSED_SUPPRESSION.fix,
                    s.path,
                    s.line,
                    run.targets,
                    f"{s.covers}:{idle}",
                )
            )
    return kept, suppressed, meta
