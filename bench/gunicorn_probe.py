"""gunicorn configuration of the propagation servers: name the worker of each probe.

Loaded with GUNICORN_CMD_ARGS="--config bench/gunicorn_probe.py" (the
command line of `atom serve` sets no config file, so this adds to it and
changes nothing else). After each request whose query is ``probe=<n>``,
the worker appends ``bench-probe <pid> <n>`` to its log, which is how
bench/propagation.py ties every answer to the worker that gave it.
"""

import os


def post_request(worker, req, environ, resp):
    query = environ.get("QUERY_STRING", "")
    if query.startswith("probe="):
        # One write(2) to a file opened for appending: lines never interleave.
        os.write(1, f"bench-probe <{os.getpid()}> {query[6:]}\n".encode())
