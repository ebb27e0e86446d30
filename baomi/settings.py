"""Django settings, read from environment variables with defaults that make `make run` work.

DATABASE_URL            SQLite file under BAOMI_DATA_DIR by default; postgres://… for PostgreSQL
BAOMI_PROFILE           `register` (default, no state-secret content) or `classified`
BAOMI_DATA_DIR          where the SQLite file, keys and uploads live (default ./var)
BAOMI_SECRET_KEY_FILE   Django's secret key (created on first start if absent)
BAOMI_SIGNING_KEY_FILE  Ed25519 key that signs audit checkpoints (created on first use if absent)
BAOMI_AUDIT_HASH        sha256 (default) or sm3, for a new audit chain
BAOMI_CONTENT_KEY_FILE  the key that encrypts documents' electronic content (created on first use)
BAOMI_CONTENT_CIPHER    aes-256-gcm (default) or sm4-gcm
BAOMI_TIME_ZONE         the organization's time zone (default Asia/Shanghai)
BAOMI_DEBUG             1 for development error pages
BAOMI_MAX_REQUEST_BYTES the largest request body accepted (default 25 MiB; larger is refused unread)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from baomi.core.keyfiles import read_or_create_secret

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("BAOMI_DATA_DIR", Path.cwd() / "var")).resolve()

PROFILES = ("register", "classified")
BAOMI_PROFILE = os.environ.get("BAOMI_PROFILE", "register")
if BAOMI_PROFILE not in PROFILES:
    raise ValueError(f"BAOMI_PROFILE must be one of {PROFILES}, not {BAOMI_PROFILE!r}")

SECRET_KEY_FILE = Path(os.environ.get("BAOMI_SECRET_KEY_FILE", DATA_DIR / "keys" / "secret_key"))
SIGNING_KEY_FILE = Path(
    os.environ.get("BAOMI_SIGNING_KEY_FILE", DATA_DIR / "keys" / "audit_signing_key.pem")
)
SECRET_KEY = read_or_create_secret(SECRET_KEY_FILE)
AUDIT_HASH = os.environ.get("BAOMI_AUDIT_HASH", "sha256")
CONTENT_KEY_FILE = Path(os.environ.get("BAOMI_CONTENT_KEY_FILE", DATA_DIR / "keys" / "content_key"))
CONTENT_CIPHER = os.environ.get("BAOMI_CONTENT_CIPHER", "aes-256-gcm")

DEBUG = os.environ.get("BAOMI_DEBUG", "") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("BAOMI_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # the list pages' date-range widgets render from its templates
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "baomi.core",
    "baomi.people",
    "baomi.policy",
    "baomi.audit",
    "baomi.approvals",
    "baomi.ledger",
    "baomi.flows",
    "baomi.review",
    "baomi.telegrams",
    "baomi.meetings",
    "baomi.web",
]

MIDDLEWARE = [
    # these four only write response headers, so every answer, a refusal too, carries them
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "baomi.core.http.NoStoreMiddleware",
    # before anything reads the body: an oversized one is refused unread
    "baomi.core.http.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "baomi.audit.middleware.AuditOriginMiddleware",
    "baomi.people.middleware.AccountSecurityMiddleware",
    # a page's posted text is checked once, before any view reads it
    "baomi.core.http.PostedTextMiddleware",
    "baomi.core.errors.RuleViolationMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # throttling first: it refuses locked-out attempts
    "baomi.people.backends.RoleBackend",
]
# django-axes: five failures lock the user name, or the address, for a quarter of an hour
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "baomi.people.views.locked_out"
AXES_VERBOSE = False

LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "web:home"
OTP_TOTP_ISSUER = "Baomi"

ROOT_URLCONF = "baomi.urls"
WSGI_APPLICATION = "baomi.wsgi.application"

FORM_RENDERER = "baomi.web.forms.Renderer"
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
                "baomi.web.context.shell",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    default_sqlite = f"sqlite:///{DATA_DIR / 'baomi.sqlite3'}"
    config: dict[str, Any] = dict(
        dj_database_url.parse(os.environ.get("DATABASE_URL") or default_sqlite)
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside the single writer; IMMEDIATE takes the write lock at BEGIN,
        # so two writers never deadlock upgrading a read lock (the audit head is read-then-written).
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        # a file, not memory: concurrent-writer tests need real connections to one database;
        # one per test process, so two suites run at once do not share it
        config["TEST"] = {"NAME": str(DATA_DIR / f"test_baomi_{os.getpid()}.sqlite3")}
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # the register's queries are short index walks: JIT compilation, switched on by large
        # cost estimates, spent more time than the queries themselves (docs/benchmarks.md)
        config.setdefault("OPTIONS", {})["options"] = "-c jit=off"
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.Person"

# the length and reuse limits are policy (SYS.PASSWORD); these catch the guessable ones
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "zh-hans"
FORMAT_MODULE_PATH = ["baomi.formats"]
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("BAOMI_TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"

REST_FRAMEWORK = {
    "EXCEPTION_HANDLER": "baomi.core.errors.api_exception_handler",
    # JSON only: the browsable API's pages carry inline styles the Content-Security-Policy
    # refuses; the API docs page (/api/v1/docs/) is where a person explores the API
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # a malformed limit or offset is refused by name rather than read as the default
    "DEFAULT_PAGINATION_CLASS": "baomi.core.paging.CheckedLimitOffset",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Baomi API",
    "DESCRIPTION": "保密工作管理系统 REST API (v1). Denials are problem+json naming the rules.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # the schema names every endpoint and field: for signed-in people only, like the API itself
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ApprovalStateEnum": "baomi.approvals.models.Approval.State",
        "DocumentStateEnum": "baomi.ledger.models.Document.State",
        "CopyStateEnum": "baomi.ledger.models.Copy.State",
        "CopyVariantEnum": "baomi.ledger.models.Copy.Variant",
        "PrintWasteKindEnum": "baomi.ledger.models.PrintWaste.Kind",
        "SecretKindEnum": "baomi.core.levels.SecretKind",
        "ManuscriptKindEnum": "baomi.review.models.Manuscript.Kind",
        "ManuscriptStateEnum": "baomi.review.models.Manuscript.State",
        "FindingKindEnum": "baomi.review.models.Finding.Kind",
        "FindingDetailEnum": "baomi.review.models.Finding.Detail",
        "TelegramTrafficEnum": "baomi.telegrams.models.Telegram.Traffic",
        "TelegramKindEnum": "baomi.telegrams.models.Telegram.Kind",
        "DutyShiftRoleEnum": "baomi.telegrams.models.DutyShift.Role",
        "MeetingStateEnum": "baomi.meetings.models.Meeting.State",
        "ParticipantRoleEnum": "baomi.meetings.models.Participant.Role",
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600  # a working day; the idle lock (SYS.LOCK) acts much sooner
SESSION_SAVE_EVERY_REQUEST = False
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# No inline script or style anywhere, and nothing from another origin: the pages' behaviour is
# in web/static, htmx is told not to evaluate code or inject styles (its meta tag in base.html),
# and the API docs load their start-up script from a URL. Images may be data: URIs because the
# Swagger UI's stylesheet draws its icons that way.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# the register needs no device or sensor, payment or sharing: every page denies them, to itself
# and to anything it might embed
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# The largest legitimate body: a 20 MB file (DOC.CONTENT's default max_megabytes, the review's
# MAX_BYTES) in a multipart form, or a manuscript's 2,000,000 characters posted as text (18 MB
# percent-encoded), with room for the form around it. Raise it with DOC.CONTENT's parameter.
BAOMI_MAX_REQUEST_BYTES = int(os.environ.get("BAOMI_MAX_REQUEST_BYTES", 25 * 2**20))
# the same bound for the part of a body Django holds in memory (all of it but uploaded files),
# so a body that passes the first check is never refused again for its size
DATA_UPLOAD_MAX_MEMORY_SIZE = BAOMI_MAX_REQUEST_BYTES
