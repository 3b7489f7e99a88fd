"""Password hashing for passwords the system generates."""

from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher, make_password


class GeneratedPasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's minimum cost (19 MiB, 2 passes, 1 lane) for the passwords printed on a
    class's sheet of logins: 75 of them at Django's full cost (100 MiB, 8 lanes) took 14 s on a
    2-core machine. Each such password must be changed at the first login, and that login
    already re-hashes it at the full cost: the algorithm name is the same, the parameters are in
    the hash, and Django upgrades a hash whose parameters differ from the default hasher's."""

    time_cost = 2
    memory_cost = 19_456
    parallelism = 1


def hash_generated_password(password: str) -> str:
    """The hash of a generated password: argon2 at the lower cost when argon2 is the configured
    hasher, else whatever is configured (a hash the configured hashers could not check would
    lock the person out)."""
    default = get_hasher()
    if default.algorithm == GeneratedPasswordHasher.algorithm:
        return make_password(password, hasher=GeneratedPasswordHasher())
    return make_password(password)
