"""The django-fsm-2 filter (core/fsm.py): rendering the migration state connects no receiver per
historical FSMField, and the project's own models still know their transitions."""

from django.db.migrations.loader import MigrationLoader
from django.db.models.signals import class_prepared


def test_rendering_every_historical_model_connects_no_receiver():
    before = len(class_prepared.receivers)
    state = MigrationLoader(None, ignore_no_migrations=True).project_state()
    models = state.apps.get_models()  # renders every model of every migration
    assert any(m._meta.label == "library.Resource" for m in models)
    assert len(class_prepared.receivers) == before


def test_the_projects_own_models_keep_their_transitions():
    from edudx.library.models import Resource

    draft = Resource(state="draft")
    assert "submit" in {t.name for t in draft.get_available_state_transitions()}
    assert "published" in {t.target for t in draft.get_all_state_transitions()}
