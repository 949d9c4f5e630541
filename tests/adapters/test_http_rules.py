"""One client request, every target, the same ``HttpRequest``: repeated query keys (``query``
keeps the last value, ``query_list`` all), the path decoded once, repeated headers joined with
``,`` and cookies with ``; ``.

Each target gets the request the way its service hands it over:

- local: a real HTTP request to ``faas-iac dev``, and ``faas-iac invoke --path``;
- AWS: the ``sam local generate-event`` samples (``tests/aws/fixtures``), filled in as each
  service fills them: an HTTP API decodes the path and path parameters, joins repeated query
  values and headers with ``,`` and lists cookies apart, keeping ``rawQueryString`` as sent; a
  REST API keeps the path and path parameters as sent and lists every header and query value
  in ``multiValue*``; a Function URL is an HTTP API event whose path is as sent;
- Azure: ``azure.functions.HttpRequest`` built as the Functions host builds it (the URL from
  the escaped path and the raw query string, ``params`` and headers with repeated values joined
  by ``,``), through the generated app's function;
- GCP: the generated ``main.py`` under the real functions-framework (gunicorn) on 127.0.0.1,
  one process per function as Cloud Functions runs it, sent the raw request line and headers.
"""

from __future__ import annotations

import contextlib
import http.client
import importlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

import azure.functions as func
import pytest
from faas_iac_aws.runtime import entry
from faas_iac_azure.runtime.convert import ROUTE_PREFIX

from faas_iac.api import load
from faas_iac.local import once
from tests.azure.support import generated_app
from tests.gcp import ff
from tests.local.hostproc import HostProcess

ECHO = Path(__file__).parent / "echo" / "app.py"
AWS_FIXTURES = Path(__file__).parents[1] / "aws" / "fixtures"


@dataclass(frozen=True)
class Sent:
    """A request as the client puts it on the wire, after ``/api``: path and query encoded."""

    function: str
    route: str
    path: str
    query: str = ""
    headers: tuple[tuple[str, str], ...] = ()


def view(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "method": "GET",
        "path": "/echo",
        "query": {},
        "lists": {},
        "cookie": None,
        "tag": None,
        "params": {},
    }
    return {**base, **changes}


CASES: dict[str, tuple[Sent, dict[str, Any]]] = {
    "repeated-query": (
        Sent("echo", "/echo", "/echo", "tag=a&tag=b&x=1&sp=a%20b%26c"),
        view(
            query={"tag": "b", "x": "1", "sp": "a b&c"},
            lists={"tag": ["a", "b"], "x": ["1"], "sp": ["a b&c"]},
        ),
    ),
    "encoded-path": (
        # decoded exactly once: "%2541" is "%41", never "A"
        Sent("files", "/files/{name}", "/files/caf%C3%A9%20menu%2541.txt"),
        view(path="/files/café menu%41.txt", params={"name": "café menu%41.txt"}),
    ),
    "repeated-headers": (
        Sent(
            "echo",
            "/echo",
            "/echo",
            headers=(("Cookie", "a=1"), ("Cookie", "b=2; c=3"), ("X-Tag", "x"), ("X-Tag", "y")),
        ),
        view(cookie="a=1; b=2; c=3", tag="x,y"),
    ),
}

#: Where a target cannot meet the rule, what it gives instead (and why).
LIMITS: dict[tuple[str, str], dict[str, Any]] = {
    # The Functions host hands the worker one string per header, joining repeated ones with
    # "," (StringValues.ToString()); two Cookie header fields over HTTP/1.1 (which RFC 6265
    # forbids a client to send) arrive so, indistinguishable from a "," inside a value.
    # HTTP/2 cookie fields are joined with "; " by Kestrel before the host sees them.
    ("repeated-headers", "azure"): {"cookie": "a=1,b=2; c=3"},
    # A Function URL has no routes, hence no route parameters.
    ("encoded-path", "aws-function-url"): {"params": {}},
    # gunicorn (under functions-framework) joins two Cookie header fields with ",", as the
    # Functions host does.
    ("repeated-headers", "gcp"): {"cookie": "a=1,b=2; c=3"},
    # `faas-iac invoke --path` takes a path and query, no headers.
    ("repeated-headers", "local-invoke"): {"cookie": None, "tag": None},
}


# -- the services' hand-over ---------------------------------------------------------------


def _fixture(name: str) -> dict[str, Any]:
    return dict(json.loads((AWS_FIXTURES / name).read_text()))


def _raw_params(sent: Sent) -> dict[str, str]:
    pairs = zip(sent.route.strip("/").split("/"), sent.path.strip("/").split("/"), strict=True)
    return {p[1:-1]: seg for p, seg in pairs if p.startswith("{")}


def _grouped(pairs: Any) -> dict[str, list[str]]:
    """Values by name, names as first sent."""
    out: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for name, value in pairs:
        out.setdefault(names.setdefault(name.lower(), name), []).append(value)
    return out


def _cookies(sent: Sent) -> list[str]:
    return [c for n, v in sent.headers if n.lower() == "cookie" for c in v.split("; ")]


def _joined_headers(sent: Sent, keep_cookie: bool) -> dict[str, str]:
    return {
        n.lower(): ",".join(vs)
        for n, vs in _grouped(sent.headers).items()
        if keep_cookie or n.lower() != "cookie"
    }


def _joined_query(sent: Sent) -> dict[str, str]:
    return {k: ",".join(vs) for k, vs in _grouped(parse_qsl(sent.query)).items()}


def http_api_event(sent: Sent) -> dict[str, Any]:
    event = _fixture("apigw_v2_post.json")
    path = unquote(sent.path)
    event.update(
        rawPath=path,
        rawQueryString=sent.query,
        queryStringParameters=_joined_query(sent) or None,
        headers=_joined_headers(sent, keep_cookie=False),
        cookies=_cookies(sent) or None,
        pathParameters={k: unquote(v) for k, v in _raw_params(sent).items()} or None,
        routeKey=f"GET {sent.route}",
        body=None,
        isBase64Encoded=False,
    )
    event["requestContext"]["http"].update(method="GET", path=path)
    event["requestContext"]["routeKey"] = event["routeKey"]
    return event


def function_url_event(sent: Sent) -> dict[str, Any]:
    event = _fixture("function_url.json")
    event.update(
        rawPath=sent.path,
        rawQueryString=sent.query,
        queryStringParameters=_joined_query(sent) or None,
        headers=_joined_headers(sent, keep_cookie=False),
        cookies=_cookies(sent) or None,
        body=None,
        isBase64Encoded=False,
    )
    event["requestContext"]["http"].update(method="GET", path=sent.path)
    return event


def rest_api_event(sent: Sent) -> dict[str, Any]:
    event = _fixture("apigw_v1_get.json")
    headers = _grouped(sent.headers)
    query = _grouped(parse_qsl(sent.query))
    event.update(
        path=sent.path,
        resource=sent.route,
        httpMethod="GET",
        headers={n: vs[-1] for n, vs in headers.items()} or None,
        multiValueHeaders=headers or None,
        queryStringParameters={k: vs[-1] for k, vs in query.items()} or None,
        multiValueQueryStringParameters=query or None,
        pathParameters=_raw_params(sent) or None,
        body=None,
        isBase64Encoded=False,
    )
    event["requestContext"].update(path="/prod" + sent.path, resourcePath=sent.route)
    return event


def azure_request(sent: Sent) -> func.HttpRequest:
    url = (
        "https://echo.azurewebsites.net/api" + sent.path + (f"?{sent.query}" if sent.query else "")
    )
    return func.HttpRequest(
        "GET",
        url,
        headers=_joined_headers(sent, keep_cookie=True),
        params={k: v for k, v in _joined_query(sent).items() if v},
        route_params={k: unquote(v) for k, v in _raw_params(sent).items()},
        body=b"",
    )


# -- targets ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def local_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostProcess]:
    state = tmp_path_factory.mktemp("echo") / "state"
    with HostProcess(ECHO, state, "--no-reload") as host:
        yield host


@pytest.fixture(scope="module")
def azure_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with generated_app(ECHO, tmp_path_factory.mktemp("echo-azure")) as app:
        yield app


@pytest.fixture(scope="module")
def gcp_functions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    folder = ff.write_app(ECHO, tmp_path_factory.mktemp("echo-gcp"))
    with contextlib.ExitStack() as stack:
        yield {
            name: stack.enter_context(ff.serve(folder, f"fn_{name}")) for name in ("echo", "files")
        }


def _gcp(sent: Sent, urls: dict[str, str]) -> dict[str, Any]:
    port = int(urls[sent.function].rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", sent.path + (f"?{sent.query}" if sent.query else ""))
        for name, value in sent.headers:
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    assert response.status == 200, body
    return dict(json.loads(body))


def _aws(build: Callable[[Sent], dict[str, Any]]) -> Callable[[Sent, Any], dict[str, Any]]:
    def send(sent: Sent, _: Any) -> dict[str, Any]:
        env = {
            "FAAS_IAC_HANDLER": f"tests.adapters.echo.app:{sent.function}",
            "FAAS_IAC_TRIGGER": "http",
        }
        entry._cache.clear()
        result = entry.dispatch(build(sent), None, env)
        assert result["statusCode"] == 200, result
        return dict(json.loads(result["body"]))

    return send


def _local(sent: Sent, host: HostProcess) -> dict[str, Any]:
    target = "/api" + sent.path + (f"?{sent.query}" if sent.query else "")
    with host.client() as client:
        response = client.get(target, headers=list(sent.headers))
    assert response.status_code == 200, response.text
    return dict(response.json())


def _invoke(sent: Sent, _: Any) -> dict[str, Any]:
    model, _root = load(str(ECHO))
    fn = next(f for f in model.functions if f.name == sent.function)
    target = sent.path + (f"?{sent.query}" if sent.query else "")
    handler = getattr(importlib.import_module("tests.adapters.echo.app"), sent.function)
    return dict(handler(once.http_request(fn, None, target), None))


def _azure(sent: Sent, app: Any) -> dict[str, Any]:
    fn = next(f for f in app.indexed if f.get_function_name() == sent.function)
    response = fn.get_user_function()(azure_request(sent), None)
    assert response.status_code == 200
    return dict(json.loads(response.get_body()))


TARGETS: dict[str, Callable[[Sent, Any], dict[str, Any]]] = {
    "local": _local,
    "local-invoke": _invoke,
    "aws-http-api": _aws(http_api_event),
    "aws-rest-api": _aws(rest_api_event),
    "aws-function-url": _aws(function_url_event),
    "azure": _azure,
    "gcp": _gcp,
}


@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_same_request_on_every_target(
    case: str, target: str, request: pytest.FixtureRequest
) -> None:
    sent, expected = CASES[case]
    where = {"local": "local_host", "azure": "azure_app", "gcp": "gcp_functions"}.get(target)
    handle = request.getfixturevalue(where) if where else None
    got = TARGETS[target](sent, handle)
    assert got == {**expected, **LIMITS.get((case, target), {})}


def test_azure_strips_the_route_prefix_of_the_generated_host(azure_app: Any) -> None:
    host = json.loads((Path(azure_app.__file__).parent / "host.json").read_text())
    assert "/" + host["extensions"]["http"]["routePrefix"] == ROUTE_PREFIX
