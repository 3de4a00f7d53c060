"""The security primitives: plain Python, no Django, no other Atom package.

Each module does one job (token format, key vault, allowlist parsing and
matching, client address, password size) and is tested input by input.
tests/security/test_layers.py keeps this package free of framework imports.
"""
