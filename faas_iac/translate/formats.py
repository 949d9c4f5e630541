"""Python's format-spec mini-language (``f"{x:>12,.2f}"``), parsed at compile time for the
emitters: ``[[fill]align][sign][0][width][,|_][.precision][type]`` with the types ``s``,
``d``, ``f``, ``F``, ``%`` or none. Other types (``e``, ``g``, ``x``, ``b``, ``c``, ``n``),
``#`` and ``z`` are refused: their output is not translated yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPEC = re.compile(
    r"^(?:(?P<fill>.)?(?P<align>[<>=^]))?(?P<sign>[-+ ])?(?P<zero>0)?(?P<width>\d+)?"
    r"(?P<grouping>[,_])?(?:\.(?P<precision>\d+))?(?P<type>[sdfF%])?$",
    re.DOTALL,
)


@dataclass(frozen=True)
class FormatSpec:
    fill: str = " "
    align: str | None = None  # None: "<" for text, ">" for numbers
    sign: str = "-"
    zero: bool = False
    width: int = 0
    grouping: str = ""
    precision: int | None = None
    type: str = ""

    @property
    def numeric(self) -> bool:
        return self.type in ("d", "f", "F", "%")

    def align_for(self, text: bool) -> str:
        """The alignment for a text (``text``) or a number."""
        if self.align:
            return self.align
        if self.zero and not text:
            return "="
        return "<" if text else ">"

    @property
    def padding(self) -> str:
        return "0" if self.zero and self.align is None else self.fill


def parse_spec(spec: str) -> FormatSpec:
    """The spec, or ValueError saying what is not translated."""
    m = _SPEC.match(spec)
    if m is None:
        raise ValueError(
            f"the format spec {spec!r} is not translated (use [[fill]align]"
            "[sign][0][width][,][.precision] with type s, d, f or %)"
        )
    g = m.groupdict()
    parsed = FormatSpec(
        fill=g["fill"] or ("0" if g["zero"] and not g["align"] else " "),
        align=g["align"],
        sign=g["sign"] or "-",
        zero=bool(g["zero"]),
        width=int(g["width"] or 0),
        grouping=g["grouping"] or "",
        precision=None if g["precision"] is None else int(g["precision"]),
        type=g["type"] or "",
    )
    if parsed.type in ("", "s", "d") and parsed.precision is not None and parsed.type != "s":
        raise ValueError(
            f"the format spec {spec!r}: a precision without type f or % is not translated"
        )
    if parsed.type == "s" and (parsed.sign != "-" or parsed.grouping):
        raise ValueError(f"the format spec {spec!r} does not apply to text")
    if parsed.grouping and parsed.width and (parsed.zero or parsed.align == "="):
        raise ValueError(f"the format spec {spec!r}: grouping with zero padding is not translated")
    return parsed
