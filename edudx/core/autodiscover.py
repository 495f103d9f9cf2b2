"""Load each app's declaration modules (permissions, indicators, import kinds, warehouse datasets, exporters).

An app declares what it contributes in small modules; core imports them once at start-up
so no central file lists every module's contributions.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps

DECLARATION_MODULES = (
    "permissions", "navigation", "indicators", "imports", "warehouse", "exporters", "aggregates",
)  # fmt: skip


def run() -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith("edudx."):
            continue
        for module in DECLARATION_MODULES:
            name = f"{config.name}.{module}"
            if find_spec(name) is not None:
                import_module(name)
