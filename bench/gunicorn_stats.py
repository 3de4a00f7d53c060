"""gunicorn configuration of the load server: each worker reports its security state.

Loaded with GUNICORN_CMD_ARGS="--config bench/gunicorn_stats.py" (the
command line of `atom serve` sets no config file, so this adds to it and
changes nothing else). When a worker exits (the harness stops the server
after the rounds), it appends ``bench-state-cache <pid> <json>`` to its log:
``state.stats()`` of atom.security.runtime.state, the size of its tables of
companies and tokens, their bound and their hits and misses, which only the
worker itself can tell.
"""

import json
import os
import sys


def worker_exit(server, worker):
    state_module = sys.modules.get("atom.security.runtime.state")
    if state_module is None:  # the worker never served a request that reads it
        return
    line = f"bench-state-cache {os.getpid()} {json.dumps(state_module.state.stats())}\n"
    # One write(2) to a file opened for appending: lines never interleave.
    os.write(1, line.encode())
