"""The skills app's ingest kinds (found at start-up by core.autodiscover), one module per kind:
results   a test centre's result list (`skills_results`)
training  a training provider's list of completed trainings (`skills_training`)
pupils    teachers' assessments of pupils' competence levels (`skills_pupil_levels`)
"""

from . import pupils, results, training  # noqa: F401  (registering the kinds)
