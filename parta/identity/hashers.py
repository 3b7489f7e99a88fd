"""Password hashing for passwords the system generates."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class GeneratedPasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's minimum cost (19 MiB, 2 passes, 1 lane) for the passwords printed on a
    class's sheet of logins: 75 of them at Django's full cost (100 MiB, 8 lanes) took 14 s on a
    2-core machine. Each such password must be changed at the first login, and that login
    already re-hashes it at the full cost: the algorithm name is the same, the parameters are in
    the hash, and Django upgrades a hash whose parameters differ from the default hasher's."""

    time_cost = 2
    memory_cost = 19_456
    parallelism = 1
