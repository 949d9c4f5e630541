"""A caught error as the orchestrator sees it on Workflows: ``{"type", "message", "text"}``
(``text`` is ``str(error)`` as the local engine and Azure give it: ``Activity function 'x'
failed: ValueError: boom``; the message alone for an error the orchestrator raised).

Inside a ``try`` whose ``except`` reads the error or takes only some errors, each call's
failure is rewritten by the :data:`HELPER` subworkflow (emitted once per definition) from what
Workflows raises: an activity's ``HttpError`` carries the activity adapter's ``{"error",
"message"}`` body, a child's uncaught ``raise`` its tags and message, an error already
rewritten (a child's) its own type and message. A rewritten error is marked ``task`` (a
``TaskFailedError``); ``except ValueError`` takes only what the orchestrator raised itself.
"""

from __future__ import annotations

import builtins
import json
from typing import Any

from faas_iac.translate import ir

HELPER = "faas_iac_error"
#: How an error of each kind of call is introduced (the local engine's wording).
LABELS = {
    "activity": "Activity function",
    "orchestrator": "Orchestrator function",
    "entity": "Entity function",
}


def label(kind: str, name: str) -> str:
    return f"{LABELS[kind]} '{name}' failed: "


def helper() -> dict[str, Any]:
    """The subworkflow ``(e, label) -> {"type", "message", "text", "tags", "task"}``."""
    return {
        "params": ["e", "label"],
        "steps": [
            {
                "known": {
                    "switch": [
                        {
                            "condition": '${get_type(e) != "map"}',
                            "assign": [{"t": "Error"}, {"m": "${string(e)}"}],
                            "next": "made",
                        },
                        {
                            "condition": '${"type" in e}',
                            "assign": [{"t": '${e["type"]}'}, {"m": '${e["message"]}'}],
                            "next": "made",
                        },
                    ]
                }
            },
            {
                "raised": {
                    "assign": [
                        {"b": '${map.get(e, "body")}'},
                        {"tags": '${default(map.get(e, "tags"), [])}'},
                        {"t": "Error"},
                        {"m": '${default(map.get(e, "message"), "")}'},
                    ]
                }
            },
            {
                "tagged": {
                    "switch": [{"condition": "${len(tags) > 0}", "assign": [{"t": "${tags[0]}"}]}],
                }
            },
            {
                "with_body": {
                    "switch": [{"condition": '${get_type(b) != "map"}', "next": "made"}],
                }
            },
            {
                "from_body": {
                    "switch": [
                        {
                            "condition": '${"error" in b}',
                            "assign": [
                                {"t": '${b["error"]}'},
                                {"m": '${default(map.get(b, "message"), "")}'},
                            ],
                        }
                    ],
                }
            },
            {
                "made": {
                    "return": {
                        "type": "${t}",
                        "message": "${m}",
                        "text": '${label + t + ": " + m}',
                        "tags": ["${t}"],
                        "task": True,
                    }
                }
            },
        ],
    }


def rewritten(call_step: dict[str, Any], label_value: str, names: list[str]) -> dict[str, Any]:
    """``call_step`` whose failure is raised as a caught error value; ``names`` gives fresh
    step names (two)."""
    tried = call_step if "call" in call_step else {"steps": [{names[0] + "_call": call_step}]}
    return {
        "try": tried,
        "except": {
            "as": "__failed",
            "steps": [
                {
                    names[0]: {
                        "call": HELPER,
                        "args": {"e": "${__failed}", "label": label_value},
                        "result": "__failed",
                    }
                },
                {names[1]: {"raise": "${__failed}"}},
            ],
        },
    }


def raised(error: str, message: Any) -> dict[str, Any]:
    """The map ``raise error(message)`` raises, readable as a caught error too."""
    return {"message": message, "tags": [error], "type": error, "text": message}


def caught_types(catches: tuple[str, ...]) -> list[str]:
    """The error names an ``except`` of ``catches`` takes when the orchestrator raises them:
    the named classes and, for Python's own, their subclasses."""
    found = set(catches)
    for name in dir(builtins):
        value = getattr(builtins, name)
        is_error = isinstance(value, type) and issubclass(value, BaseException)
        if is_error and ir.catches_raise(catches, name):
            found.add(name)
    return sorted(found)


def takes(err: str, catches: tuple[str, ...]) -> str | None:
    """A Workflows condition: whether ``except <catches>`` takes the error ``err``; None when
    it takes every error."""
    if ir.EVERY in catches:
        return None
    tasks = "true" if ir.TASK_FAILED in catches else "false"
    kind = f'default(map.get({err}, "type"), default(map.get({err}, "tags"), ["Error"])[0])'
    names = json.dumps(caught_types(catches))
    return f'if(default(map.get({err}, "task"), false), {tasks}, {kind} in {names})'
