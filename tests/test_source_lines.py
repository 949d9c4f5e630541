"""Where a declaration was written: the decorator API records the line of each decorator from
the caller's frame, found in the code's line table (``faas_iac._app._line``); the interpreter's
own ``frame.f_lineno`` is the judge, over a module shaped like a 1,000-function app and over
statements spanning lines, branches and loops."""

from __future__ import annotations

import sys
from types import FrameType

from faas_iac._app import _line
from faas_iac.api import load


def test_each_call_site_gets_the_interpreters_line() -> None:
    seen: list[tuple[int, int]] = []

    def record(*_args: object) -> None:
        frame: FrameType = sys._getframe(1)
        seen.append((frame.f_lineno, _line(frame.f_code, frame.f_lasti)))

    lines = []
    for i in range(1500):
        lines.append(f"x{i} = [{i},\n    {i}]" if i % 7 else "record(\n)")
        if i % 3 == 0:  # the call's instruction starts a range of the table (back to line 1)
            lines.append("record(\n    x0,\n)")
        if i % 5 == 0:
            lines.append("record()")
        if i % 11 == 0:
            lines.append(
                "if x0:\n    record()\nelse:\n    pass\nfor _ in (1, 2): record(); record()"
            )
        if i % 13 == 0:
            lines.append("def f():\n    record()\n    return 1\nf()\nrecord() if f() else None")
    code = compile("\n".join(lines), "many.py", "exec")
    exec(code, {"record": record, "x0": 0})
    assert len(seen) > 1000
    assert [got for _, got in seen] == [want for want, _ in seen]


def test_a_large_apps_functions_are_located_at_their_decorators(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    src = ["from faas_iac import App", 'app = App("many")']
    for i in range(300):
        src += [
            "",
            f'@app.http("/r{i}", auth="anonymous")',
            f"def fn{i}(req, ctx):",
            "    return {}",
        ]
    (folder / "app.py").write_text("\n".join(src) + "\n")
    model, _ = load(str(folder / "app.py"))
    lines = (folder / "app.py").read_text().splitlines()
    for fn in model.functions:
        line = int(str(fn.source).rsplit(":", 1)[1])
        assert lines[line - 1].startswith(f'@app.http("/r{fn.name[2:]}"'), fn.source
