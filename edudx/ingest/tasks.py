"""Background jobs: big files are checked and committed by a worker (Django Tasks API).

The worker writes progress outside the commit's transaction (services.progress_of reads it)
and checks the cancel flag between chunks; a cancelled commit rolls back completely.
"""

from __future__ import annotations

from django_tasks import task

from edudx.core.actor import Actor, Via

from . import services
from .models import ImportRun


def _actor(user_id: int | None) -> Actor:
    if user_id is None:
        return Actor.system(via=Via.IMPORT)
    from edudx.accounts import selectors as account_selectors
    from edudx.accounts.services import scope_for_user
    from edudx.core.scope import Scope

    user = account_selectors.user_get(scope=Scope.system(), pk=user_id)
    return Actor(user=user, scope=scope_for_user(user), via=Via.UI)


@task()
def check_run(run_id: int, user_id: int | None = None) -> str:
    run = ImportRun.objects.get(pk=run_id)
    return str(services.run_check(actor=_actor(user_id), run=run).state)


@task()
def commit_run(run_id: int, user_id: int | None = None, mode: str | None = None) -> str:
    run = ImportRun.objects.get(pk=run_id)
    return str(services.run_commit(actor=_actor(user_id), run=run, mode=mode).state)
