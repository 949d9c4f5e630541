"""``ordered``, against its definition: of the resources whose dependencies (named in
``depends_on`` or referred to anywhere in the properties) are all placed, the least by
(type, name) comes next; each record's ``depends_on`` becomes exactly that set, sorted."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from faas_iac.plan import PlanResource, ordered
from faas_iac.plan.refs import ref, sub


def by_definition(resources: list[PlanResource], deps: dict[str, set[str]]) -> list[str]:
    """The order by its definition, picked one at a time (quadratic, plain)."""
    placed: list[str] = []
    left = {r.name: r for r in resources}
    while left:
        ready = [r for r in left.values() if deps[r.name] <= set(placed)]
        nxt = min(ready, key=lambda r: (r.type, r.name))
        placed.append(nxt.name)
        del left[nxt.name]
    return placed


def nest(value: Any, depth: int) -> Any:
    """``value`` buried in lists, tuples and maps, beside literal look-alikes."""
    for i in range(depth):
        value = [value, "${not.a.ref}"] if i % 3 == 0 else (1, value) if i % 3 == 1 else {
            "k": value, "n": None, "$sub2": True}  # fmt: skip
    return value


@st.composite
def dags(draw: st.DrawFn) -> tuple[list[PlanResource], dict[str, set[str]]]:
    n = draw(st.integers(1, 12))
    names = [f"r{i}" for i in range(n)]
    resources, deps = [], {}
    for i, name in enumerate(names):
        earlier = names[:i]  # a DAG: only earlier ones, then shuffled
        listed = draw(st.sets(st.sampled_from(earlier))) if earlier else set()
        referred = draw(st.sets(st.sampled_from(earlier))) if earlier else set()
        props: dict[str, Any] = {"self": ref(name, "id")}  # a self reference is no dependency
        for j, other in enumerate(sorted(referred)):
            token = ref(other, "arn") if j % 2 else sub(f"x:${{{other}.id}}:${{aws:region}}")
            props[f"p{j}"] = nest(token, draw(st.integers(0, 4)))
        kind = draw(st.sampled_from(["t:a", "t:b", "t:c"]))
        resources.append(PlanResource(type=kind, name=name, properties=props,
                                      depends_on=tuple(listed)))  # fmt: skip
        deps[name] = listed | referred
    return draw(st.permutations(resources)), deps


@given(dags())
def test_order_and_dependencies_are_those_of_the_definition(
    case: tuple[list[PlanResource], dict[str, set[str]]],
) -> None:
    resources, deps = case
    out = ordered(list(resources))
    assert [r.name for r in out] == by_definition(resources, deps)
    for res in out:
        assert res.depends_on == tuple(sorted(deps[res.name])), res.name
        original = next(r for r in resources if r.name == res.name)
        assert (res.type, res.properties) == (original.type, original.properties)


@given(dags())
def test_a_record_depends_on_what_it_names_and_refers_to_from_the_start(
    case: tuple[list[PlanResource], dict[str, set[str]]],
) -> None:
    resources, deps = case
    for res in resources:
        assert res.depends_on == tuple(sorted(deps[res.name])), res.name


TEMPLATE = st.lists(
    st.sampled_from(["${", "}", ".", ":", "-", "_", "a", "B", "7", "$", "{", " ", "é", "/"]),
    max_size=24,
).map("".join)


@given(TEMPLATE)
def test_template_names_are_those_of_parts_and_target(template: str) -> None:
    """``_template_refs`` (one regex pass, cached) against the tokenizer's definition."""
    from faas_iac.plan.refs import _template_refs, parts, target

    expected = {target(text)[0] for kind, text in parts(template) if kind == "ref"}
    assert _template_refs(template) == expected
