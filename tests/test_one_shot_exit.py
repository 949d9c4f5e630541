"""A one-shot command (``compile``, ``plan``...) ends its process without the interpreter's
teardown (``faas_iac.cli._exit``), and still does what an exit must: the output is whole
through a pipe, the exit code is the command's, the app's exit functions run, and a thread the
app left running is waited for. Each case runs the real ``faas-iac`` in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAD = """from faas_iac import App
import atexit, pathlib, threading, time

app = App("bye")
OUT = pathlib.Path(__file__).with_name("marker.txt")
"""
FUNCTION = """
@app.http("/f{i}", auth="anonymous")
def f{i}(req, ctx):
    return {{}}
"""
EXIT_FUNCTION = """@atexit.register
def bye():
    OUT.write_text("exit functions ran")
    print("bye from the app")  # into stdout's buffer: a pipe is no terminal"""
THREAD = """def late():
    time.sleep(0.5)
    OUT.write_text('the thread finished')

threading.Thread(target=late).start()"""


def faas(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    code = "from faas_iac.cli import main; main()"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as usual
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          cwd=tmp, env=env, timeout=120)  # fmt: skip


def app(tmp: Path, extra: str) -> Path:
    path = tmp / "app.py"
    path.write_text("\n".join([HEAD, *(FUNCTION.format(i=i) for i in range(40)), extra, ""]))
    return path


def test_output_through_a_pipe_is_whole_and_the_exit_functions_ran(tmp_path: Path) -> None:
    done = faas(tmp_path, "plan", str(app(tmp_path, EXIT_FUNCTION)), "-p", "aws", "--json")
    assert done.returncode == 0, done.stderr
    text, bye = done.stdout.rsplit("\n", 2)[0], done.stdout.rsplit("\n", 2)[1]
    assert bye == "bye from the app"  # flushed after the exit functions ran
    plan = json.loads(text)  # 10,000s of bytes
    assert len(plan["resources"]) > 300
    assert (tmp_path / "marker.txt").read_text() == "exit functions ran"


def test_a_running_thread_is_waited_for(tmp_path: Path) -> None:
    done = faas(tmp_path, "compile", str(app(tmp_path, THREAD)), "-p", "aws", "-o", "out")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "plan.json").is_file()
    assert (tmp_path / "marker.txt").read_text() == "the thread finished"


def test_a_user_mistake_keeps_its_exit_code_and_message(tmp_path: Path) -> None:
    done = faas(tmp_path, "compile", str(app(tmp_path, "")), "-p", "aws", "-O", "regoin=x")
    assert done.returncode == 2
    assert "FIAC005" in done.stderr and "regoin" in done.stderr
    assert "Traceback" not in done.stderr
    usage = faas(tmp_path, "compile", "-p", "aws")
    assert usage.returncode == 2 and "Missing argument" in usage.stderr
