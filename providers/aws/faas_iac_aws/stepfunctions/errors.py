"""A caught error as the orchestrator sees it: ``{"type", "message", "text"}``, where
``text`` is ``str(error)`` as the local engine and Azure give it (``Activity function 'x'
failed: ValueError: boom``; the message alone for an error the orchestrator raised).

A Catch's ``$states.errorOutput`` says ``Error`` and ``Cause``: a Lambda's cause is the JSON of
the Python error (``errorType``, ``errorMessage``); a child execution's (``startExecution.sync``)
is the JSON of the child's description, whose ``Error`` / ``Cause`` are the child's own
failure; an error already in this shape (from a Parallel branch) is its JSON.
"""

from __future__ import annotations

import json

from faas_iac.translate import ir

#: A Fail state's Error for the caught failure ``$__failure``: Step Functions reserves the
#: ``States.`` prefix (a child's timeout, a Lambda's), so it is cut off.
FAIL_ERROR = '{% $replace($__failure.type, /^States\\./, "") %}'
#: How an error of each kind of call is introduced (the local engine's wording).
LABELS = {
    "activity": "Activity function",
    "orchestrator": "Orchestrator function",
    "entity": "Entity operation",
}


def _message(cause: str, error: str) -> str:
    """JSONata: the innermost ``(type, message)`` of an error ``Cause`` text."""
    return (
        f'($c := {cause}; $j := $type($c) = "string" and $substring($c, 0, 1) = "{{" ? '
        "$parse($c) : {}; "
        "$exists($j.errorMessage) ? [$j.errorType, $j.errorMessage] : "
        f"$exists($j.text) ? [$j.type, $j.message] : [{error}, $c])"
    )


def caught(kind: str | None, name: str) -> ir.Native:
    """The error value a Catch assigns, for a failure of a call of ``kind`` named ``name``
    (None: any state; the error is taken as it comes)."""
    o = "$states.errorOutput"
    if kind == "orchestrator":
        # the child's description: its own Error and Cause (its cause may be a Lambda's)
        inner = (
            f'($d := $type({o}.Cause) = "string" and $substring({o}.Cause, 0, 1) = "{{" ? '
            f"$parse({o}.Cause) : {{}}; $e := $exists($d.Error) ? $d.Error : {o}.Error; "
            f"$m := {_message(f'($exists($d.Cause) ? $d.Cause : {o}.Cause)', '$e')}; $m)"
        )
    else:
        inner = _message(f"{o}.Cause", f"{o}.Error")
    if kind is None:
        return ir.Native(
            f'($p := {inner}; {{"type": $p[0], "message": $p[1], "text": $p[1]}})', "dict"
        )
    label = json.dumps(f"{LABELS[kind]} '{name}' failed: ")
    return ir.Native(
        f'($p := {inner}; {{"type": $p[0], "message": $p[1], '
        f'"text": {label} & $p[0] & ": " & $p[1]}})',
        "dict",
    )


def raised(error: str, message: ir.Expr) -> ir.Expr:
    """The error value of ``raise error(message)`` caught in the same orchestrator."""
    text = ir.Builtin("str", (message,))
    return ir.DictLit((("type", ir.Const(error)), ("message", text), ("text", text)))
