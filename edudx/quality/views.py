"""Quality pages: the review queue, a pair side by side (decide, merge field by field), merges
(audit, unmerge, both histories), the model versions and the searches for duplicates."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudx.core.actor import Actor
from edudx.core.errors import DomainError, NotFound
from edudx.core.filters import parse_filter
from edudx.core.pagination import paginate
from edudx.core.rules.personal_id import mask, mask_email, mask_phone
from edudx.registry.services import merge as registry_merge

from . import permissions as perms
from . import selectors, services
from .filters import PairFilter
from .models import CandidatePair, Kind

# registry's permission names (its permissions module is private to it): who sees a record's
# personal data in full, and who may change (so merge) a record.
VIEW_PII, CHANGE_PEOPLE = "registry.view_pii", "registry.change"
# Fields shown masked to a reader without registry.view_pii over the record's school.
_PII = {"personal_id", "parent_phone", "phone", "email", "address"}


def _masked(field: str, value: Any) -> Any:
    """The masks of every other page (core.rules.personal_id): an ID 079******123, a phone by its
    last three digits, an e-mail n***@domain; an address not at all."""
    if value in (None, ""):
        return value
    if field == "personal_id":
        return mask(str(value))
    if field == "email":
        return mask_email(str(value))
    if field == "address":
        return "***"
    return mask_phone(str(value))


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    request.scope.require_any(perms.REVIEW)  # type: ignore[attr-defined]
    f = parse_filter(PairFilter, request.GET)
    qs = selectors.pair_list(
        scope=request.scope,  # type: ignore[attr-defined]
        kind=f.kind,
        state=f.state,
        min_probability=f.min_probability or 0.0,
    )
    page = paginate(qs, order=("-probability", "id"), cursor=request.GET.get("cursor"), limit=50)
    return render(request, "quality/queue.html", {"page": page, "f": f, "kinds": Kind.choices,
                                                  "can_run": request.scope.has_perm(perms.RUN)})  # type: ignore[attr-defined]  # fmt: skip


def _side(request: HttpRequest, pair: CandidatePair, pk: int, school: Any) -> dict[str, Any]:
    path = school.unit.path if school is not None else None
    try:
        values = registry_merge.person_values(kind=pair.kind, pk=pk)
    except NotFound:
        values = {}
    full = request.scope.can(VIEW_PII, path)  # type: ignore[attr-defined]
    shown = {k: (v if full or k not in _PII else _masked(k, v)) for k, v in values.items()}
    return {"id": pk, "school": school, "values": shown, "exists": bool(values)}


@login_required
def pair_detail(request: HttpRequest, pair_id: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    pair = selectors.pair_get(scope=scope, pk=pair_id)
    if request.method == "POST":
        return _decide(request, pair)
    a = _side(request, pair, pair.record_a, pair.school_a)
    b = _side(request, pair, pair.record_b, pair.school_b)
    fields = registry_merge.CHOOSABLE[pair.kind]
    labels = registry_merge.person_labels(pair.kind)
    shown_a = registry_merge.person_shown(pair.kind, a["values"])
    shown_b = registry_merge.person_shown(pair.kind, b["values"])
    rows = [
        {"field": f, "label": labels.get(f, f), "a": shown_a.get(f), "b": shown_b.get(f),
         "differs": a["values"].get(f) != b["values"].get(f)}
        for f in fields
    ]  # fmt: skip
    paths = selectors.pair_unit_paths(pair)
    can_merge = all(scope.can(perms.REVIEW, p) and scope.can(CHANGE_PEOPLE, p) for p in paths)
    merges = list(pair.merges.order_by("-at", "-id")[:10])
    return render(request, "quality/pair.html", {"pair": pair, "a": a, "b": b, "rows": rows, "can_merge": can_merge,
                                                 "merges": merges})  # fmt: skip


def _decide(request: HttpRequest, pair: CandidatePair) -> HttpResponse:
    actor = Actor.from_request(request)
    action = request.POST.get("action", "")
    try:
        if action == "merge":
            try:
                survivor = int(request.POST.get("survivor", ""))
            except ValueError:
                survivor = -1
            other = pair.record_b if survivor == pair.record_a else pair.record_a
            take = [
                f for f in registry_merge.CHOOSABLE[pair.kind] if request.POST.get(f"take_{f}") == str(other)
            ]
            merge = services.pair_merge(actor=actor, pair=pair, survivor_id=survivor, take=take)
            messages.success(request, _("Merged. The merge can be undone from its page."))
            return redirect("quality:merge", merge_id=merge.pk)
        services.pair_decide(actor=actor, pair=pair, decision=action)
        messages.success(request, _("Decision recorded."))
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, str(exc.message))
    return redirect("quality:pair", pair_id=pair.pk)


@login_required
def merge_list(request: HttpRequest) -> HttpResponse:
    request.scope.require_any(perms.REVIEW)  # type: ignore[attr-defined]
    auto = request.GET.get("auto") == "1"
    qs = selectors.merge_list(scope=request.scope, auto=True if auto else None)  # type: ignore[attr-defined]
    page = paginate(qs, order=("-at", "-id"), cursor=request.GET.get("cursor"), limit=50)
    return render(request, "quality/merges.html", {"page": page, "auto": auto})


def _masked_change(field: str, change: Any) -> Any:
    """A history change [before, after] with both sides masked."""
    return [_masked(field, x) for x in change] if isinstance(change, list) else _masked(field, change)


@login_required
def merge_detail(request: HttpRequest, merge_id: int) -> HttpResponse:
    merge = selectors.merge_get(scope=request.scope, pk=merge_id)  # type: ignore[attr-defined]
    kind = merge.pair.kind
    path_a, path_b = selectors.pair_unit_paths(merge.pair)
    histories = []
    for pk in (merge.survivor_id, merge.merged_id):
        # Personal fields in the history masked as on every page, per the record's school.
        path = path_a if pk == merge.pair.record_a else path_b
        full = request.scope.can(VIEW_PII, path)  # type: ignore[attr-defined]
        entries = [
            SimpleNamespace(at=h.at, action=h.action, actor_label=h.actor_label, changes={
                k: v if full or k not in _PII else _masked_change(k, v) for k, v in (h.changes or {}).items()
            })
            for h in registry_merge.person_history(kind=kind, pk=pk)
        ]  # fmt: skip
        histories.append((pk, entries))
    return render(request, "quality/merge.html", {"merge": merge, "histories": histories})


@login_required
@require_POST
def merge_undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    merge = selectors.merge_get(scope=request.scope, pk=merge_id)  # type: ignore[attr-defined]
    try:
        services.merge_undo(actor=Actor.from_request(request), merge=merge)
        messages.success(request, _("The merge was undone: both records are back as they were."))
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, str(exc.message))
    return redirect("quality:merge", merge_id=merge.pk)


@login_required
def models(request: HttpRequest) -> HttpResponse:
    versions = list(selectors.model_list(scope=request.scope)[:20])  # type: ignore[attr-defined]
    shown = []
    for m in versions:
        levels = [
            (c.get("output_column_name"), lv.get("label_for_charts") or lv.get("sql_condition"),
             lv.get("m_probability"), lv.get("u_probability"))
            for c in m.params.get("comparisons", []) for lv in c.get("comparison_levels", [])
            if not lv.get("is_null_level")
        ]  # fmt: skip
        shown.append(
            {"model": m, "levels": levels, "prior": m.params.get("probability_two_random_records_match")}
        )
    return render(request, "quality/models.html", {"versions": shown})


@login_required
def runs(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    if request.method == "POST" and "auto_merge_threshold" in request.POST:
        text = request.POST["auto_merge_threshold"].strip().replace(",", ".")
        try:
            value = float(text) if text else None
            services.settings_update(actor=Actor.from_request(request), auto_merge_threshold=value)
            messages.success(request, _("The auto-merge threshold was saved."))
        except ValueError:
            messages.error(request, _("The threshold is a probability between 0.5 and 1."))
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            messages.error(request, str(exc.message))
        return redirect("quality:runs")
    if request.method == "POST":
        try:
            services.run_start(actor=Actor.from_request(request), kind=request.POST.get("kind", ""))
            messages.success(request, _("The search for duplicates has started."))
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            messages.error(request, str(exc.message))
        return redirect("quality:runs")
    items = list(selectors.run_list(scope=scope)[:20])
    return render(request, "quality/runs.html", {"runs": items, "kinds": Kind.choices,
                  "threshold": selectors.settings_get().auto_merge_threshold,
                  "can_manage": scope.has_perm(perms.MANAGE)})  # fmt: skip


@login_required
def run_progress(request: HttpRequest, dedupe_run_id: int) -> HttpResponse:
    """The run's row, polled by htmx every 2 s while it is queued or running (it stops polling once
    done or failed); JSON for a script."""
    run = selectors.run_get(scope=request.scope, pk=dedupe_run_id)  # type: ignore[attr-defined]
    if request.headers.get("HX-Request"):
        return render(request, "quality/_run_row.html", {"r": run})
    return JsonResponse({"state": run.state, "progress": run.progress, "step": run.step, "pairs": run.pairs})
