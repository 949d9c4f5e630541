"""Object keys and URL path segments, checked and encoded the same way by the host and its
clients. Pure.

A bucket object key is a plain relative key: ``reports/2024/a.txt``. The host refuses anything
else rather than normalise it (a key holding ``..`` once reached other admin routes), and the
clients encode every segment so that no HTTP library can normalise the URL they send the
master key to.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from ..errors import FaasError

#: S3's limit for a whole key, in UTF-8 bytes.
MAX_KEY_BYTES = 1024
#: The file-name limit of Linux and macOS file systems (NAME_MAX), per segment.
MAX_SEGMENT_BYTES = 255
_CONTROL = {chr(c) for c in range(0x20)} | {"\x7f"}


def key_problem(key: str) -> str | None:
    """Why ``key`` is not a plain relative object key, or None when it is one."""
    if not key:
        return "it is empty"
    try:
        size = len(key.encode("utf-8"))
    except UnicodeEncodeError:
        return "it is not valid text (lone surrogate)"
    if size > MAX_KEY_BYTES:
        return f"it is {size} bytes long; the limit is {MAX_KEY_BYTES}"
    if "\\" in key:
        return "it holds a backslash"
    if any(c in _CONTROL for c in key):
        return "it holds a control character (NUL, newline...)"
    for segment in key.split("/"):
        if segment in ("", ".", ".."):
            what = repr(segment) if segment else "an empty segment ('//', or a '/' at an end)"
            return f"it has {what}: keys are relative paths without '.', '..' or '//'"
        if len(segment.encode("utf-8")) > MAX_SEGMENT_BYTES:
            return f"a segment is longer than {MAX_SEGMENT_BYTES} bytes"
    return None


def check_key(key: str) -> str:
    """``key``, or a coded error (FIAC804) saying why it is not a plain relative key."""
    problem = key_problem(key)
    if problem is not None:
        raise FaasError.one(
            "FIAC804",
            f"object key {key[:200]!r} is refused: {problem}",
            fix="use keys like 'reports/2024-01-01.txt': segments of at most "
            f"{MAX_SEGMENT_BYTES} bytes, no leading '/', no '.', '..' or '//'",
        )
    return key


def segment(text: str) -> str:
    """One URL path segment holding ``text`` exactly: every reserved character and every dot
    of a ``.`` / ``..`` segment percent-encoded, so nothing on the way can normalise it."""
    quoted = quote(text, safe="")
    return quoted.replace(".", "%2E") if quoted in (".", "..") else quoted


def key_path(key: str) -> str:
    """A checked object key as URL path segments (``a b/c`` → ``a%20b/c``)."""
    return "/".join(segment(s) for s in check_key(key).split("/"))


def split_raw(raw_path: bytes) -> list[str]:
    """The segments of a request's raw path, each percent-decoded on its own (so an encoded
    ``/`` stays inside its segment). Empty segments are kept, a trailing one too: ``a//b`` and
    ``instances/`` name an empty segment, never the collection itself."""
    text = raw_path.decode("latin-1").removeprefix("/")
    return [unquote(s, errors="strict") for s in text.split("/")] if text else []
