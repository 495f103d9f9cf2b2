"""Production values: behind TLS, secure cookies and HSTS on unless told otherwise."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SESSION_COOKIE_SECURE = env.bool("EDUDX_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("EDUDX_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("EDUDX_HSTS_SECONDS", default=31536000)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
EMAIL_BACKEND = env.str("EDUDX_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
