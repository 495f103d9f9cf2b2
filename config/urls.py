"""Root URLs. Each edudx app with a `urls.py` is mounted at /<app label>/ under its own
namespace (web at the site root), so adding a module needs no edit here."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

for config in apps.get_app_configs():
    if not config.name.startswith("edudx.") or config.label == "web":
        continue
    module = f"{config.name}.urls"
    if find_spec(module) is not None:
        import_module(module)
        urlpatterns.append(path(f"{config.label}/", include((module, config.label), namespace=config.label)))

urlpatterns.append(path("", include(("edudx.web.urls", "web"), namespace="web")))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
