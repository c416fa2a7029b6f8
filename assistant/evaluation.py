"""Entry point of ``complaint-assistant eval``: runs ``eval/run.py`` from the source tree.

The measurement code and its data live in ``eval/``, outside the package, so that deleting ``eval/`` cannot
break the app; only this command then says that it has nothing to measure.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from .errors import AssistantError
from .resources import ROOT


def run_eval(assistant, *, split: str, limit: int | None = None, output: Path | None = None) -> Path:
    runner = ROOT / "eval" / "run.py"
    if not runner.is_file():
        raise AssistantError(f"{runner} not found: the eval command needs the eval/ folder of a source checkout")
    spec = importlib.util.spec_from_file_location("complaint_assistant_eval_run", runner)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main(assistant, split=split, limit=limit, output=output)
