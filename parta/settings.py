"""Settings of parta, read from PARTA_* environment variables."""

import json
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PARTA_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    """A setting's text, or the contents of the file named by NAME_FILE (for secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("PARTA_DEBUG", False)
SECRET_KEY = env_str("PARTA_SECRET_KEY", "insecure-development-key-change-me")
ALLOWED_HOSTS = env_list("PARTA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("PARTA_CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "axes",
    "parta.core",
    "parta.orgs",
    "parta.identity",
    "parta.school",
    "parta.students",
    "parta.journal",
    "parta.exchange",
    "parta.dpo",
    "oauth2_provider",
    "parta.oidc",
    "parta.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "parta.identity.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "parta.identity.middleware.CabinetMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "parta.urls"
WSGI_APPLICATION = "parta.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "parta.web.context_processors.frame",
            ],
        },
    },
]


def database_settings() -> dict:
    """PostgreSQL when PARTA_DB_ENGINE=postgresql, otherwise an SQLite file under var/."""
    if env_str("PARTA_DB_ENGINE", "sqlite") == "postgresql":
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": env_str("PARTA_DB_NAME", "parta"),
            "USER": env_str("PARTA_DB_USER", "postgres"),
            "PASSWORD": env_str("PARTA_DB_PASSWORD"),
            "HOST": env_str("PARTA_DB_HOST", "127.0.0.1"),
            "PORT": env_str("PARTA_DB_PORT", "5432"),
            "CONN_MAX_AGE": env_int("PARTA_DB_CONN_MAX_AGE", 60),
        }
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env_str("PARTA_SQLITE_PATH", str(VAR_DIR / "parta.sqlite3")),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
    }


DATABASES = {"default": database_settings()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "identity.Account"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "web:home"

SESSION_COOKIE_AGE = env_int("PARTA_SESSION_SECONDS", 8 * 60 * 60)
SESSION_REMEMBER_SECONDS = env_int("PARTA_SESSION_REMEMBER_SECONDS", 14 * 24 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("PARTA_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Schools sit behind one NAT address, so lockout is per login, never per address.
AXES_FAILURE_LIMIT = env_int("PARTA_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("PARTA_LOGIN_LOCKOUT_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "parta.identity.views.auth.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "parta.identity.views.auth.locked_out"
AXES_VERBOSE = False

# «Войти через Госуслуги»: an OpenID Connect provider (ЕСИА, or any standard one). The button is
# shown once the issuer is set. CLAIMS names the provider's claim for each field of the person's
# card, as JSON overriding the standard names below; LEEWAY allows for the clocks' drift.
GOSUSLUGI_CLAIMS = {
    "last_name": "family_name",
    "first_name": "given_name",
    "middle_name": "middle_name",
    "birth_date": "birthdate",
    "snils": "snils",
    "passport_series": "passport_series",
    "passport_number": "passport_number",
    "email": "email",
    "phone": "phone_number",
}
GOSUSLUGI = {
    "ISSUER": env_str("PARTA_GOSUSLUGI_ISSUER"),
    "CLIENT_ID": env_str("PARTA_GOSUSLUGI_CLIENT_ID"),
    "CLIENT_SECRET": env_str("PARTA_GOSUSLUGI_CLIENT_SECRET"),
    "SCOPES": env_str("PARTA_GOSUSLUGI_SCOPES", "openid profile email phone snils passport"),
    "CLAIMS": GOSUSLUGI_CLAIMS | json.loads(env_str("PARTA_GOSUSLUGI_CLAIMS", "{}")),
    "LEEWAY_SECONDS": env_int("PARTA_GOSUSLUGI_LEEWAY_SECONDS", 60),
    "TIMEOUT_SECONDS": env_int("PARTA_GOSUSLUGI_TIMEOUT_SECONDS", 10),
}
# Invitations: how long a link works, and how many acceptance attempts an address may make.
INVITATION_DAYS = 60
INVITATION_RATE = env_str("PARTA_INVITATION_RATE", "30/h")
SILENCED_SYSTEM_CHECKS = ["axes.W006"]  # per-login lockout is deliberate, see above

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("PARTA_TIME_ZONE", "Asia/Yekaterinburg")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["parta.formats"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(os.environ.get("PARTA_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
#: Largest file a teacher may attach to homework.
HOMEWORK_FILE_MAX_BYTES = 10 * 1024 * 1024
HTMX_DIST = BASE_DIR / "node_modules" / "htmx.org" / "dist"
STATICFILES_DIRS = [("htmx.org", HTMX_DIST)] if HTMX_DIST.is_dir() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("PARTA_MANIFEST_STATIC", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Notices of ДПО applications go out by e-mail. The demo writes each message as a file under
# var/mail/; a deployment sets PARTA_EMAIL_BACKEND=smtp and its server. The timeout bounds how
# long a request waits for a slow server after its change is committed.
EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
}
EMAIL_BACKEND = EMAIL_BACKENDS[env_str("PARTA_EMAIL_BACKEND", "file" if DEBUG else "smtp")]
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("PARTA_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("PARTA_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("PARTA_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("PARTA_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("PARTA_EMAIL_TLS", False)
EMAIL_USE_SSL = env_bool("PARTA_EMAIL_SSL", False)
EMAIL_TIMEOUT = env_int("PARTA_EMAIL_TIMEOUT_SECONDS", 10)
DEFAULT_FROM_EMAIL = env_str("PARTA_EMAIL_FROM", "parta <noreply@localhost>")

# parta as an OpenID Connect provider (django-oauth-toolkit) for the region's modules: the ДПО
# site, an LMS, the messenger. The issuer is <site>/o, its discovery document
# /o/.well-known/openid-configuration; PARTA_OIDC_ISSUER fixes it when the modules reach parta
# under another host name than the users do. The RS256 signing key comes from
# PARTA_OIDC_RSA_PRIVATE_KEY(_FILE), or from a key generated once under var/oidc/.


def oidc_private_key(path: Path) -> str:
    """The PEM of the RSA key at `path`, generated there (readable by its owner only) if absent.

    Processes starting together race: each links its own new key into place, and whoever loses
    reads the winner's, so every process signs with the key the JWKS document publishes.
    """
    if not path.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.unlink(missing_ok=True)
        with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as f:
            f.write(pem)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text(encoding="ascii")


OAUTH2_PROVIDER_APPLICATION_MODEL = "oidc.Client"
# The toolkit's own token models, named because oidc.SignIn points at them (they are swappable).
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": env_str("PARTA_OIDC_ISSUER").rstrip("/"),
    "OIDC_RSA_PRIVATE_KEY": env_str("PARTA_OIDC_RSA_PRIVATE_KEY")
    or oidc_private_key(VAR_DIR / "oidc" / "rsa-private-key.pem"),
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "OAUTH2_VALIDATOR_CLASS": "parta.oidc.provider.Validator",
    "SCOPES": {
        "openid": "Sign in",
        "profile": "Full name and login",
        "email": "E-mail",
        "parta": "Cabinet: organisation, role, position, subjects taught",
    },
    "DEFAULT_SCOPES": ["openid"],
    "PKCE_REQUIRED": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("PARTA_OIDC_ACCESS_TOKEN_SECONDS", 60 * 60),
    "ID_TOKEN_EXPIRE_SECONDS": env_int("PARTA_OIDC_ID_TOKEN_SECONDS", 60 * 60),
    "REFRESH_TOKEN_EXPIRE_SECONDS": env_int("PARTA_OIDC_REFRESH_TOKEN_SECONDS", 8 * 60 * 60),
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # RFC 9700: no implicit or password grants, S256 only, no tokens in query strings, the `iss`
    # authorization-response parameter, and tokens kept only as their hashes.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}

PARTA_DEMO_PASSWORD = env_str("PARTA_DEMO_PASSWORD", "parta-demo")
PARTA_STAFF_PAGE_SIZE = env_int("PARTA_STAFF_PAGE_SIZE", 50)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("PARTA_LOG_LEVEL", "WARNING")},
    # authlib writes PKCE verifiers and tokens at DEBUG: they never reach a log.
    "loggers": {"authlib": {"level": "WARNING"}},
}
# oauthlib and django-oauth-toolkit write codes and tokens at DEBUG: they never reach a log.
LOGGING.setdefault("loggers", {}).update(
    {"oauthlib": {"level": "WARNING"}, "oauth2_provider": {"level": "WARNING"}}
)
