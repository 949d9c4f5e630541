"""HTTP requests and responses, alike on every target, and the parsing rules the adapters
share (query strings, headers, percent-decoding). Standard library only, and off ``typing``
(:mod:`._records`): this module is on the cold path of every HTTP function."""

from __future__ import annotations

from ._records import EMPTY, NO_LISTS, NamedTuple, loads, to_bytes

TYPE_CHECKING = False  # ``typing.TYPE_CHECKING`` without importing typing (mypy reads it so)
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any


def query_pairs(
    pairs: Iterable[tuple[str, str]],
) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """The portable query of decoded ``(key, value)`` pairs: the last value of each key, and
    every value of the keys given more than once."""
    pairs = list(pairs)
    last = dict(pairs)
    if len(last) == len(pairs):
        return last, {}
    lists: dict[str, list[str]] = {}
    for key, value in pairs:
        lists.setdefault(key, []).append(value)
    return last, {k: tuple(v) for k, v in lists.items() if len(v) > 1}


def parse_query(raw: str) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """A raw (percent-encoded) query string as ``(query, query_lists)``: what
    ``urllib.parse.parse_qsl(raw, keep_blank_values=True)`` gives (``+`` is a space)."""
    if not raw:
        return {}, {}
    pairs = []
    for part in raw.split("&"):
        if part:
            name, _, value = part.partition("=")
            pairs.append((_unquote(name.replace("+", " ")), _unquote(value.replace("+", " "))))
    return query_pairs(pairs)


_HEX = frozenset("0123456789abcdefABCDEF")


def _unquote(text: str) -> str:
    """``urllib.parse.unquote(text)`` (UTF-8, errors replaced). Written out for ASCII text, the
    form a request line has: importing ``urllib.parse`` (and ``ipaddress`` with it) would add
    about 2 ms to a Lambda cold start. Other text goes to urllib. Both are judged equal to
    urllib's in ``tests/adapters/test_percent_decoding.py``."""
    if "%" not in text:
        return text
    if not text.isascii():
        from urllib.parse import unquote

        return unquote(text)
    head, *parts = text.split("%")
    out = bytearray(head.encode())
    for part in parts:
        if len(part) >= 2 and part[0] in _HEX and part[1] in _HEX:
            out.append(int(part[:2], 16))
            out += part[2:].encode()
        else:
            out += b"%" + part.encode()
    return out.decode("utf-8", "replace")


def join_headers(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Header ``(name, value)`` pairs as one lower-case mapping: repeated headers joined with
    ``,`` (RFC 9110 5.3), ``cookie`` with ``; `` (RFC 6265 5.4, RFC 9113 8.2.3)."""
    joined: dict[str, str] = {}
    for name, value in pairs:
        key = name.lower()
        if key in joined:
            value = joined[key] + ("; " if key == "cookie" else ",") + value
        joined[key] = value
    return joined


def decode_path(path: str) -> str:
    """A percent-encoded URL path, decoded as UTF-8 (what ASGI servers put in ``path``)."""
    return _unquote(path)


class NotAResponse(TypeError):
    """An HTTP handler returned what no response can be made of: a server error, 500."""


class BadRequestBody(ValueError):
    """The request body is not what the handler asked for (not JSON): a client error, 400."""


class HttpRequest(NamedTuple):
    """An HTTP request, alike on every target (each adapter applies these rules):

    - ``path``: the path the function's route matched (no ``/api`` prefix, no stage),
      percent-decoded as UTF-8.
    - ``headers``: names in lower case; a header sent more than once is one value joined with
      ``,``, except ``cookie``, joined with ``; ``.
    - ``query``: the last value of each key; ``query_list(name)`` gives every value in order
      (``query_lists`` holds only the keys that came more than once).
    - ``route_params``: the ``{name}`` parts of the route, decoded.
    """

    method: str
    path: str
    headers: Mapping[str, str] = EMPTY
    query: Mapping[str, str] = EMPTY
    route_params: Mapping[str, str] = EMPTY
    body: bytes = b""
    query_lists: Mapping[str, tuple[str, ...]] = NO_LISTS

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    def query_list(self, name: str) -> list[str]:
        """Every value of query key ``name`` in the order sent (``[]`` if absent)."""
        values = self.query_lists.get(name)
        if values is not None:
            return list(values)
        last = self.query.get(name)
        return [] if last is None else [last]

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON; raises :class:`BadRequestBody` (a ``ValueError``) if it is
        not JSON, which the hosts answer with 400."""
        try:
            return loads(self.body)
        except ValueError as exc:
            raise BadRequestBody(str(exc)) from None
        except RecursionError:  # a client's body nested past the parser's depth: not a bug
            raise BadRequestBody("nested too deep") from None


class HttpResponse(NamedTuple):
    """An HTTP response. ``body`` may be bytes, text, or any JSON-serialisable value."""

    body: Any = b""
    status: int = 200
    headers: Mapping[str, str] = EMPTY

    @classmethod
    def json(
        cls, data: Any, status: int = 200, headers: Mapping[str, str] | None = None
    ) -> HttpResponse:
        return cls(to_bytes(data), status, {"content-type": "application/json", **(headers or {})})

    @property
    def body_bytes(self) -> bytes:
        return to_bytes(self.body)

    @property
    def content_type(self) -> str:
        for key, value in self.headers.items():
            if key.lower() == "content-type":
                return value
        if isinstance(self.body, bytes):
            return "application/octet-stream"
        if isinstance(self.body, str):
            return "text/plain; charset=utf-8"
        return "application/json"


def to_response(result: Any) -> HttpResponse:
    """What a handler returned, as a response: ``None`` → 204, text → text/plain, bytes →
    octet-stream, any other JSON value → application/json. Raises :class:`NotAResponse`
    otherwise."""
    if isinstance(result, HttpResponse):
        return result
    if result is None:
        return HttpResponse(b"", 204)
    if isinstance(result, str | bytes):
        return HttpResponse(result)
    if isinstance(result, dict | list | int | float | bool):
        return HttpResponse.json(result)
    raise NotAResponse(
        f"an HTTP handler returned {type(result).__name__}; return HttpResponse, dict, list, "
        "str, bytes or None"
    )
