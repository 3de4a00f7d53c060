"""Micro-benchmark of the per-request token work.

Run with ``python bench/micro_tokens.py``; it prints a markdown table of
microseconds per call (best of several runs) and takes a few seconds.
``--quick`` times each case briefly, to check that the script still runs.

"Verify" is what the gate does with a token on every request: parse the
header, digest the token, and find the digest among the tokens the process
has cached (a dict lookup; atom.security.runtime.state).
"""

import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from atom.security.core import tokens
from atom.security.core.vault import TokenVault, generate_key
from bench.timing import microseconds, print_table

TOKEN = tokens.generate()
HEADER = f"Bearer {TOKEN}"
# Right prefix, length and alphabet, wrong checksum: the most work parse does
# before rejecting.
GARBAGE = TOKEN[:-6] + ("000000" if TOKEN[-6:] != "000000" else "000001")
WRONG_LENGTH = TOKEN + "0"
VAULT = TokenVault([generate_key().encode()])
CIPHERTEXT = VAULT.encrypt(TOKEN)
# What a process has cached after serving 10,000 companies.
CACHED = {tokens.digest(tokens.generate()): object() for _ in range(9_999)}
CACHED[tokens.digest(TOKEN)] = object()


def verify(header: str = HEADER) -> object:
    return CACHED.get(tokens.digest(tokens.parse_authorization(header)))


def rejecting(text: str) -> Callable[[], None]:
    def call() -> None:
        try:
            tokens.parse(text)
        except tokens.TokenMalformed:
            pass
        else:
            raise AssertionError("the benchmark input should be rejected")

    return call


CASES: list[tuple[str, Callable[[], object]]] = [
    ("`parse_authorization` of a valid header", lambda: tokens.parse_authorization(HEADER)),
    ("verify: parse the header + `digest` + cached lookup (10,000 tokens)", verify),
    ("`parse` of garbage of the right length (bad checksum)", rejecting(GARBAGE)),
    ("`parse` of a string of the wrong length", rejecting(WRONG_LENGTH)),
    ("`digest`", lambda: tokens.digest(TOKEN)),
    ("`TokenVault.decrypt`", lambda: VAULT.decrypt(CIPHERTEXT)),
]


def main() -> None:
    print_table((label, microseconds(call)) for label, call in CASES)


if __name__ == "__main__":
    main()
