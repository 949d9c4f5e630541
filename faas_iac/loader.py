"""Loading a user's app: ``path/to/app.py[:attribute]`` or ``package.module[:attribute]``.

The one place that imports user code. A user mistake while importing (a syntax error, a name
error) becomes a coded error pointing at the user's file and line, never a traceback.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import CodeType, ModuleType

from ._app import App
from .errors import FaasError, shown_path


@dataclass(frozen=True)
class LoadedApp:
    """The recorded app, the folder its code lives in (the artifact root), and its module."""

    app: App
    root: Path
    module: str


def _user_frame(exc: BaseException, root: Path) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    for frame in reversed(frames):
        try:
            Path(frame.filename).resolve().relative_to(root.resolve())
        except ValueError:
            continue
        return f"{shown_path(frame.filename)}:{frame.lineno}"
    return ""


def _code(path: Path, root: Path) -> CodeType:
    """The app file's code, from the bytes it holds now: as the code zip's bytecode holds it
    when that was compiled before or is being compiled beside this process
    (:func:`faas_iac.bytecode.prefetch`, so after an edit the import need not compile it a
    second time), else compiled here. Never from ``__pycache__``: a ``.pyc`` is checked
    against the source's size and modification time in whole seconds, so a save of the same
    size within the second it was written (one digit edited) would run the old code."""
    from .bytecode import code_of

    source = path.read_bytes()
    code = code_of(path.relative_to(root).as_posix(), source, str(path))
    return code or compile(source, str(path), "exec", dont_inherit=True)


def _import(name: str, path: Path | None, root: Path) -> ModuleType:
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    try:
        if path is None:
            return importlib.import_module(name)
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        exec(_code(path, root), module.__dict__)
        return module
    except SyntaxError as exc:
        raise FaasError.one(
            "FIAC001",
            f"syntax error: {exc.msg}",
            fix="correct the Python syntax at that line",
            location=f"{shown_path(exc.filename or '?')}:{exc.lineno}",
        ) from None
    except ModuleNotFoundError as exc:
        if path is None and exc.name and name.startswith(exc.name):
            raise FaasError.one(
                "FIAC001",
                f"module {name!r} cannot be found",
                fix="give a path to the app file (examples/shop/app.py) or a module importable "
                "from the current folder",
            ) from None
        raise FaasError.one(
            "FIAC004",
            f"importing the app failed: {type(exc).__name__}: {exc}",
            fix="install the missing package or correct the import",
            location=_user_frame(exc, root),
        ) from None
    except Exception as exc:
        raise FaasError.one(
            "FIAC004",
            f"importing the app failed: {type(exc).__name__}: {exc}",
            fix="correct the code at that line; decorators only record, so this error comes "
            "from the app's own code",
            location=_user_frame(exc, root),
        ) from None


def load_app(target: str) -> LoadedApp:
    """Import the app named by ``target`` and return it with its source root."""
    attr: str | None = None
    path_part, colon, attr_part = target.rpartition(":")
    if colon and path_part.endswith(".py") and attr_part.isidentifier():
        target, attr = path_part, attr_part  # path/app.py:attribute
    candidate = Path(target)
    if target.endswith(".py") or candidate.exists():
        if candidate.is_dir():
            candidate = candidate / "app.py"
        if not candidate.is_file():
            raise FaasError.one(
                "FIAC001",
                f"no app file at {target!r}",
                fix="give the path of a Python file that creates an App, e.g. examples/shop/app.py",
            )
        root = candidate.resolve().parent
        module_name = candidate.stem
        module = _import(module_name, candidate.resolve(), root)
        shown = f"{target}:{attr}" if attr else target
    else:
        module_name, _, attr = target.partition(":")
        root = Path.cwd()
        module = _import(module_name, None, root)
        depth = module_name.count(".")
        file = getattr(module, "__file__", None)
        if file:
            root = Path(file).resolve().parents[depth]
        shown = target
    app = _find_app(module, attr or None, shown)
    return LoadedApp(app, root, module_name)


def _find_app(module: ModuleType, attr: str | None, target: str) -> App:
    if attr:
        found = getattr(module, attr, None)
        if isinstance(found, App):
            return found
        names = sorted(name for name, v in vars(module).items() if isinstance(v, App))
        raise FaasError.one(
            "FIAC002",
            f"{target!r}: attribute {attr!r} is not an App",
            fix="name the variable that holds App(...)"
            + (f": {', '.join(names)}" if names else ""),
        )
    apps = {name: v for name, v in vars(module).items() if isinstance(v, App)}
    if "app" in apps:
        return apps["app"]
    if len(apps) == 1:
        return next(iter(apps.values()))
    raise FaasError.one(
        "FIAC002",
        f"{target!r} defines {'no App' if not apps else 'several Apps: ' + ', '.join(apps)}",
        fix="create one with app = App('name'), or say which: path/app.py:attribute or "
        "module:attribute",
    )
