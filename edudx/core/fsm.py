"""django-fsm-2 and Django's migration state (decision 0010).

django-fsm-2 connects one `class_prepared` receiver per FSMField it meets, so that the field can
collect its model's transitions. Django's migration state renders each model again and again
while `migrate` runs (about 20,000 historical model classes on a fresh database), and each copy
of an FSMField connected one more receiver: every later model class then called all of them.
That was a third of a fresh `migrate`'s CPU (58.6 → 38.0 s measured at load 13, 2026-12-07),
paid by every test database and every first start. Historical models (module `__fake__`) have
no transition methods to collect, so their fields connect nothing; the project's own models are
untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

HISTORICAL_MODULE = "__fake__"  # what Django's migration state names its models' module


class _LiveModelsOnly:
    """Stands for `class_prepared` inside django_fsm: passes every call through, except the
    connection of a receiver bound to a field of a historical model."""

    def __init__(self, signal: Any) -> None:
        self._signal = signal

    def connect(self, receiver: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        field = getattr(receiver, "__self__", None)
        owner = getattr(field, "base_cls", None)
        if owner is not None and getattr(owner, "__module__", "") == HISTORICAL_MODULE:
            return
        self._signal.connect(receiver, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._signal, name)


def skip_historical_models() -> None:
    """Install the filter (idempotent); called from the core app's ready()."""
    import django_fsm
    from django.db.models.signals import class_prepared

    if not isinstance(django_fsm.class_prepared, _LiveModelsOnly):
        django_fsm.class_prepared = _LiveModelsOnly(class_prepared)  # type: ignore[assignment]
