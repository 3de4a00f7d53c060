"""What runs on every request: the token gate, the in-memory security state,
shared counters and change notifications, and the console middleware.

This layer reads; the only writes it makes are the rate-limited last-use
stamp and the throttled denial audit (docs/architecture.md).
"""
