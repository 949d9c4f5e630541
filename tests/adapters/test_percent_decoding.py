"""The runtime's percent-decoding (written out so a Lambda cold start need not import
``urllib.parse``) gives exactly what ``urllib.parse`` gives, over generated text rich in the
characters that matter: ``%``, hex digits, ``+``, ``&``, ``=`` and non-ASCII."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote

from hypothesis import given
from hypothesis import strategies as st

from faas_iac.runtime.types import decode_path, parse_query, query_pairs

escapes = st.builds(lambda b: f"%{b:02X}", st.integers(0, 255)) | st.builds(
    lambda b: f"%{b:02x}", st.integers(0, 255)
)
pieces = st.sampled_from(["%", "%%", "%4", "%g1", "+", "&", "=", "a", "Z", "/", " ", "é", "€"])
raw = st.lists(escapes | pieces | st.text(max_size=3), max_size=20).map("".join)


@given(raw)
def test_decode_path_is_urllib_unquote(text: str) -> None:
    assert decode_path(text) == unquote(text)


@given(raw)
def test_parse_query_is_urllib_parse_qsl(text: str) -> None:
    assert parse_query(text) == query_pairs(parse_qsl(text, keep_blank_values=True))
