"""Lua scripts that run alike on one Redis server and on a cluster, called alone or inside a pipeline.

On one server redis-py loads a pipeline's scripts before sending it. A cluster pipeline cannot know which
nodes have seen a script (a new, restarted or promoted node has not), so redis-py refuses EVALSHA there, and
its `eval` helper too. Inside a cluster pipeline the script therefore travels whole, as a plain EVAL command:
ours are a few lines each, and each still runs on the one node that owns its keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import redis
from redis.cluster import ClusterPipeline


class Lua:
    def __init__(self, r: redis.Redis, source: str) -> None:
        self.script = r.register_script(source)

    def __call__(self, keys: Sequence[str], args: Sequence[str | int | float] = (), client: Any = None) -> Any:
        if isinstance(client, ClusterPipeline):
            return client.execute_command("EVAL", self.script.script, len(keys), *keys, *args)
        return self.script(keys=keys, args=args, client=client)
