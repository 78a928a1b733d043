"""Lua scripts in Redis pipelines: sent as plain EVALSHA, and loaded again when Redis has forgotten them.

redis-py's own Script, called with a pipeline, asks SCRIPT EXISTS in a round trip of its own before every
execute: a sixth of a worker's CPU in a 4-worker crawl. A Redis that restarted or flushed its scripts
answers NOSCRIPT to every EVALSHA of the pipeline; the whole pipeline is then built and sent again (its
other commands, ZREM and HSET, do no harm twice; a refused EVALSHA did not run).

Redis is imported only when a pipeline runs: a crawl on one machine never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from redis import Redis
    from redis.client import Pipeline
    from redis.commands.core import Script

T = TypeVar("T")


def pipelined(pipe: Pipeline, script: Script, keys: list[Any], args: list[Any]) -> Pipeline:
    """Queues `script` in `pipe` as a plain EVALSHA of the script `load` loaded."""
    return pipe.evalsha(script.sha, len(keys), *keys, *args)


def load(server: Redis, *scripts: Script) -> None:
    for script in scripts:
        server.script_load(script.script)


def run(server: Redis, scripts: tuple[Script, ...], build: Callable[[Pipeline], Callable[[list[Any]], T]]) -> T:
    """`build(pipe)` queues the commands and returns what to do with their answers; built and sent again, the
    scripts loaded first, after a NOSCRIPT."""
    from redis.exceptions import NoScriptError

    while True:
        pipe = server.pipeline(transaction=False)
        answer = build(pipe)
        try:
            answers = pipe.execute()
        except NoScriptError:
            load(server, *scripts)
            continue
        return answer(answers)
