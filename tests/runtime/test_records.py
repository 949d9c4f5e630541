"""The runtime's records are written in ``typing.NamedTuple``'s class syntax over
:class:`faas_iac.runtime._records.NamedTuple`, which keeps ``typing`` off a cold start. Each is
judged against the class ``typing.NamedTuple`` makes of the very same class body: fields,
defaults, docs, methods, and what instances do."""

from __future__ import annotations

import inspect
import typing
from typing import Any

import pytest

from faas_iac.runtime import clients, http, messages

RECORDS = [
    http.HttpRequest,
    http.HttpResponse,
    messages.Message,
    messages.CloudEvent,
    messages.TimerInfo,
    clients.BucketClient,
    clients.TableClient,
]


def _by_typing(cls: type) -> type:
    """``cls`` made again from its own source by ``typing.NamedTuple``."""
    module = inspect.getmodule(cls)
    namespace = {**vars(module), "NamedTuple": typing.NamedTuple}
    exec(compile(inspect.getsource(cls), module.__file__ or "", "exec"), namespace)
    made: type = namespace[cls.__name__]
    return made


def _members(cls: type) -> set[str]:
    return {n for c in cls.__mro__ if c not in (tuple, object) for n in vars(c)}


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: c.__name__)
def test_a_record_is_the_class_typing_makes(cls: Any) -> None:
    real = _by_typing(cls)
    assert issubclass(cls, tuple) and cls.__mro__[1:] == (tuple, object)
    assert cls._fields == real._fields
    assert cls._field_defaults == real._field_defaults
    assert (cls.__doc__, cls.__module__, cls.__qualname__) == (
        real.__doc__,
        real.__module__,
        real.__qualname__,
    )
    assert _members(cls) - {"__orig_bases__"} == _members(real) - {"__orig_bases__"}
    assert list(cls.__annotations__) == list(real.__annotations__)
    required = [f for f in cls._fields if f not in cls._field_defaults]
    ours, theirs = cls(*required), real(*required)
    assert repr(ours).replace(cls.__name__, "") == repr(theirs).replace(real.__name__, "")
    assert ours == theirs and ours._asdict() == theirs._asdict()
    first = cls._fields[0]
    assert ours._replace(**{first: "x"}) == theirs._replace(**{first: "x"})


def test_instances_behave_as_the_methods_say() -> None:
    request = http.HttpRequest("POST", "/o", {"a": "1"}, body=b'{"id": 7}')
    assert request.json() == {"id": 7} and request.header("A") == "1"
    response = http.HttpResponse.json({"ok": True}, 201)
    assert (response.status, response.body_bytes, response.content_type) == (
        201,
        b'{"ok":true}',
        "application/json",
    )
    assert messages.Message("1", b"[1]").json() == [1]
