"""URLs for the LRS tests: the project's URLs when they load; otherwise (another module
mid-change in a shared checkout) just the LRS and the web shell, so these tests still run."""

from django.urls import include, path

try:
    from config.urls import urlpatterns  # noqa: F401
except ImportError:
    urlpatterns = [
        path("lrs/", include(("edudx.lrs.urls", "lrs"), namespace="lrs")),
        path("accounts/", include(("edudx.accounts.urls", "accounts"), namespace="accounts")),
        path("", include(("edudx.web.urls", "web"), namespace="web")),
    ]
