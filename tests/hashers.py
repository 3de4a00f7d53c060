from django.contrib.auth.hashers import Argon2PasswordHasher


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id, the production algorithm, with test-sized memory and time."""

    algorithm = "argon2"
    time_cost = 1
    memory_cost = 1024
    parallelism = 1
