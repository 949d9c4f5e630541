"""Each app keeps its state in a Firestore database of its own, so two apps share a GCP project
without sharing documents (tables are collections named as the app names them): the database
resource, the grants conditioned on it, the runtime settings (tables, entities, the callback
registry, the durable client) and the custom-status path the translated workflows write all
name the app's database, never the project's ``(default)``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import yaml
from faas_iac_gcp.plan.orchestrations import definitions

from faas_iac.api import load
from faas_iac.plan import compile_app
from faas_iac.plan.refs import resolve
from faas_iac.translate import translate_app
from tests.gcp.support import ROOT
from tests.gcp.test_pulumi_mocks import BINDINGS

SHOP = ROOT / "examples" / "shop" / "app.py"


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from strings(v)


def _plan(path: Any) -> tuple[str, dict[str, Any], dict[str, str]]:
    """(the database's name, every resource's properties resolved, workflow YAML texts)."""
    model, root = load(str(path))
    plan = compile_app(model, root, "gcp").plan
    (db,) = [r for r in plan.resources if r.type == "gcp:firestore/database:Database"]
    name = db.properties["name"]
    lookup = {"firestore.name": name, "gcp:project": "proj-1"}
    props = {
        r.name: resolve(r.properties, lambda t: lookup.get(t, "${" + t + "}"))
        for r in plan.resources
    }
    texts, problems = definitions(model, translate_app(model, root))
    assert not problems
    return name, props, texts


def status_paths(text: str) -> list[str]:
    """The document names of every Firestore ``documents.patch`` the workflow calls."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("call") == "googleapis.firestore.v1.projects.databases.documents.patch":
                found.append(node["args"]["name"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(yaml.safe_load(text))
    return found


def test_two_apps_keep_their_state_in_databases_of_their_own() -> None:
    bind, bind_props, texts = _plan(BINDINGS)
    shop, shop_props, _ = _plan(SHOP)
    assert (bind, shop) == ("gcpbind-db", "shop-db")
    for props in (bind_props, shop_props):
        assert not [s for s in strings(props) if "(default)" in s]
    # the custom status of gcpbind's workflow lands in gcpbind's database
    [path] = status_paths(texts["approve"])
    assert '"/databases/gcpbind-db/documents/gcpbind-durable-status/"' in path
    # every runtime setting that names a database names the app's own
    settings = [
        env
        for p in bind_props.values()
        for env in [p.get("service_config", {}).get("environment_variables", {})]
        if env
    ]
    named = [e["FAAS_IAC_DATABASE"] for e in settings if "FAAS_IAC_DATABASE" in e]
    named += [
        json.loads(e["FAAS_IAC_DURABLE"])["database"] for e in settings if "FAAS_IAC_DURABLE" in e
    ]
    named += [
        where["database"]
        for e in settings
        if "FAAS_IAC_RESOURCES" in e
        for ref, where in json.loads(e["FAAS_IAC_RESOURCES"]).items()
        if ref.startswith("table:")
    ]
    assert named and set(named) == {"gcpbind-db"}, named
