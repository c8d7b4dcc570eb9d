"""Lua scripts inside pipelines, alike on one Redis server and on a cluster.

They go as EVAL with the script's text (a few lines each): a registered script would cost a SCRIPT EXISTS
round trip on every pipeline of one server, and a cluster pipeline refuses EVALSHA and its own `eval()`
helper altogether, since it cannot load a script first on whichever nodes the pipeline reaches.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def eval_in(pipe: Any, script: str, keys: Sequence[str], *args: str | int | float) -> Any:
    """Queue `script` in `pipe`, or run it at once while the pipe is watching keys (before MULTI)."""
    return pipe.execute_command("EVAL", script, len(keys), *keys, *args)
