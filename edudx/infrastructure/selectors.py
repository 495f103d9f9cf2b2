"""Reads of inventories and readiness, through the caller's Scope."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from edudx.core import aggregates
from edudx.core.errors import NotFound
from edudx.core.scope import Scope
from edudx.registry import selectors as registry

from . import permissions as perms
from . import readiness, thresholds
from .aggregates import READINESS
from .filters import DEVICE_SORTS, DeviceFilter, ReadinessFilter
from .models import (
    COMPUTERS,
    PRESENTATION,
    TEACHING_ROOMS,
    Condition,
    ConditionSnapshot,
    Connection,
    Device,
    InventoryProfile,
    Licence,
    Room,
    RoomKind,
)

PATH = "school__unit__path"


def device_list(
    *, scope: Scope, filters: DeviceFilter | None = None
) -> tuple[QuerySet[Device], tuple[str, ...]]:
    f = filters or DeviceFilter()
    qs = Device.objects.filter(scope.filter_q(perms.VIEW, PATH)).select_related("school__unit", "room")
    if f.q:
        text = f.q.strip()
        qs = qs.filter(
            Q(asset_tag__istartswith=text)
            | Q(serial_number__istartswith=text)
            | Q(make__icontains=text)
            | Q(model__icontains=text)
        )
    if f.school:
        qs = qs.filter(school_id=f.school)
    if f.room:
        qs = qs.filter(room_id=f.room)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.condition:
        qs = qs.filter(condition=f.condition)
    return qs, DEVICE_SORTS.get(f.sort) or DEVICE_SORTS["tag"]


def device_get(*, scope: Scope, pk: int) -> Device:
    try:
        return (
            Device.objects.filter(scope.filter_q(perms.VIEW, PATH))
            .select_related("school__unit", "room")
            .get(pk=pk)
        )
    except (Device.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def device_by_tag(*, scope: Scope, tag: str) -> Device:
    try:
        return Device.objects.filter(scope.filter_q(perms.VIEW, PATH)).get(asset_tag=tag)
    except Device.DoesNotExist as exc:
        raise NotFound() from exc


def room_list(*, scope: Scope, school_id: int | None = None) -> QuerySet[Room]:
    qs = Room.objects.filter(scope.filter_q(perms.VIEW, PATH)).select_related("school__unit")
    if school_id:
        qs = qs.filter(school_id=school_id)
    return qs.annotate(n_devices=Count("devices")).order_by("school_id", "code", "id")


def room_get(*, scope: Scope, pk: int) -> Room:
    try:
        return Room.objects.filter(scope.filter_q(perms.VIEW, PATH)).select_related("school__unit").get(pk=pk)
    except (Room.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def connection_list(*, scope: Scope, school_id: int | None = None) -> QuerySet[Connection]:
    qs = Connection.objects.filter(scope.filter_q(perms.VIEW, PATH)).select_related("school__unit")
    return qs.filter(school_id=school_id) if school_id else qs


def connection_get(*, scope: Scope, pk: int) -> Connection:
    try:
        return Connection.objects.filter(scope.filter_q(perms.VIEW, PATH)).get(pk=pk)
    except (Connection.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def licence_list(*, scope: Scope, school_id: int | None = None) -> QuerySet[Licence]:
    qs = Licence.objects.filter(scope.filter_q(perms.VIEW, PATH)).select_related("school__unit")
    return qs.filter(school_id=school_id) if school_id else qs


def declared_total(school_id: int) -> int:
    return (
        InventoryProfile.objects.filter(school_id=school_id)
        .values_list("declared_equipment_total", flat=True)
        .first()
        or 0
    )


# ----- readiness
def compute_inputs(
    school_ids: Iterable[int], *, today: dt.date, t: dict[str, Decimal]
) -> dict[int, readiness.SchoolInputs]:
    """Count the readiness inputs of these schools (the maintained aggregate's compute; a view
    reads the stored figures through `readiness_figures`)."""
    ids = list(school_ids)
    out: dict[int, readiness.SchoolInputs] = {sid: readiness.SchoolInputs() for sid in ids}
    cutoff = today.replace(year=today.year - int(t["max_device_age_years"]))
    not_retired = ~Q(condition=Condition.RETIRED)
    for dev in (
        Device.objects.filter(school_id__in=ids)
        .values("school_id")
        .annotate(
            computers=Count("id", filter=Q(category__in=COMPUTERS, condition=Condition.IN_USE)),
            total=Count("id", filter=not_retired),
            broken=Count("id", filter=Q(condition__in=[Condition.BROKEN, Condition.NEEDS_REPAIR])),
            old=Count("id", filter=not_retired & Q(acquired_on__lt=cutoff)),
            recorded=Count("id"),
        )
    ):
        x = out[dev["school_id"]]
        x.computers_working, x.devices_total, x.devices_broken = dev["computers"], dev["total"], dev["broken"]
        x.devices_old, x.devices_recorded = dev["old"], dev["recorded"]
    display = Device.objects.filter(
        room=OuterRef("pk"), category__in=PRESENTATION, condition=Condition.IN_USE
    )
    for room in (
        Room.objects.filter(school_id__in=ids, is_active=True)
        .annotate(disp=Exists(display))
        .values("school_id")
        .annotate(
            teaching=Count("id", filter=Q(kind__in=TEACHING_ROOMS)),
            ready=Count("id", filter=Q(kind__in=TEACHING_ROOMS, disp=True, has_internet=True)),
            no_display=Count("id", filter=Q(kind__in=TEACHING_ROOMS, disp=False)),
            no_internet=Count("id", filter=Q(kind__in=TEACHING_ROOMS, has_internet=False)),
            labs=Count("id", filter=Q(kind=RoomKind.COMPUTER_LAB)),
        )
    ):
        x = out[room["school_id"]]
        x.teaching_rooms, x.teaching_rooms_ready = room["teaching"], room["ready"]
        x.teaching_rooms_without_display, x.teaching_rooms_without_internet = (
            room["no_display"],
            room["no_internet"],
        )
        x.labs = room["labs"]
    for line in (
        Connection.objects.filter(school_id__in=ids, is_active=True)
        .values("school_id")
        .annotate(mbps=Sum("download_mbps"))
    ):
        out[line["school_id"]].download_mbps = line["mbps"] or 0
    for sid, total in InventoryProfile.objects.filter(school_id__in=ids).values_list(
        "school_id", "declared_equipment_total"
    ):
        out[sid].declared_total = total
    for sid, n in registry.active_student_counts(ids).items():
        out[sid].pupils = n
    first_grade = int(t["informatics_from_grade"])
    for sid, grades in registry.class_counts_by_grade(ids).items():
        out[sid].informatics_classes = sum(n for g, n in grades.items() if g >= first_grade)
    return out


def school_ids(*, scope: Scope, filters: ReadinessFilter | None = None) -> list[int]:
    from edudx.registry.filters import SchoolFilter

    f = filters or ReadinessFilter()
    qs, _ = registry.school_list(
        scope=scope,
        filters=SchoolFilter(area=f.area, grouping=f.grouping, level=f.level, ownership=f.ownership),
    )
    allowed = registry.school_ids_in_scope(scope=scope, permission=perms.VIEW)
    return list(qs.filter(pk__in=allowed).values_list("id", flat=True))


def readiness_for(
    *, scope: Scope, filters: ReadinessFilter | None = None, today: dt.date | None = None
) -> dict[int, readiness.Readiness]:
    """Indicators, gaps and costs for every school in scope matching the filter."""
    return readiness_figures(scope=scope, filters=filters, today=today)[0]


def readiness_figures(
    *, scope: Scope, filters: ReadinessFilter | None = None, today: dt.date | None = None
) -> tuple[dict[int, readiness.Readiness], dt.datetime | None]:
    """`readiness_for` with the time of its figures: the inputs are read from the maintained
    aggregate (edudx/core/aggregates.py), kept current on write and within a minute; with
    `today` (tests, reports for another day) they are counted afresh."""
    t = thresholds.current()
    costs = thresholds.unit_costs()
    ids = school_ids(scope=scope, filters=filters)
    if today is None:
        # The whole city's indicators, computed once per change of the figures, thresholds or
        # costs in this process and shared by every reader (tens of ms per view otherwise).
        city, as_of = aggregates.derived(
            READINESS,
            lambda figures: (_compute_all(figures.data, t, costs), figures.as_of),
            extra=(tuple(sorted(t.items())), tuple(sorted(costs.items()))),
        )
        if all(sid in city for sid in ids):
            result = {sid: city[sid] for sid in ids}
            if filters and filters.below_only:
                result = {k: v for k, v in result.items() if v.below}
            return result, as_of
    if today is not None:
        inputs = compute_inputs(ids, today=today, t=t)
        as_of = timezone.now()
    else:  # a school not counted yet (new): read() counts it now, once
        figures = aggregates.read(READINESS, ids)
        inputs = {sid: readiness.SchoolInputs(**figures.data[sid]) for sid in ids if sid in figures.data}
        as_of = figures.as_of
    result = readiness.compute(inputs, t, costs)
    if filters and filters.below_only:
        result = {k: v for k, v in result.items() if v.below}
    return result, as_of


def _compute_all(
    data: dict[int, dict[str, Any]], t: dict[str, Decimal], costs: dict[str, int]
) -> dict[int, readiness.Readiness]:
    return readiness.compute({sid: readiness.SchoolInputs(**d) for sid, d in data.items()}, t, costs)


def readiness_of_school(*, scope: Scope, school_id: int) -> readiness.Readiness:
    school = registry.school_get(scope=scope, pk=school_id)  # NotFound outside the registry scope
    scope.require(perms.VIEW, school.unit.path)
    t = thresholds.current()
    inputs = compute_inputs([school_id], today=timezone.localdate(), t=t)
    return readiness.compute(inputs, t, thresholds.unit_costs())[school_id]


def school_rows(results: dict[int, readiness.Readiness]) -> dict[int, dict[str, Any]]:
    """The registry's plain rows (name, area, level, ownership) of the schools in `results`,
    by id: read once per page and handed to each `summarise` (3,500 at the department)."""
    return {s["id"]: s for s in registry.school_summaries(list(results))}


def summarise(
    results: dict[int, readiness.Readiness],
    group_by: str = "area",
    summaries: dict[int, dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Totals per area (ward/commune), school level or ownership: sums of inputs, then ratios."""
    if summaries is None:
        summaries = school_rows(results)
    groups: dict[str, dict[str, Any]] = defaultdict(
        lambda: {
            "schools": 0,
            "below": 0,
            "pupils": 0,
            "computers": 0,
            "rooms": 0,
            "rooms_ready": 0,
            "mbps": 0,
            "devices": 0,
            "broken": 0,
            "cost_vnd": 0,
        }
    )
    for sid, r in results.items():
        s = summaries.get(sid)
        if s is None:
            continue
        key = s["area"] if group_by == "area" else s[group_by]
        g = groups[key or "—"]
        x = r.inputs
        g["schools"] += 1
        g["below"] += 1 if r.below else 0
        g["pupils"] += x.pupils
        g["computers"] += x.computers_working
        g["rooms"] += x.teaching_rooms
        g["rooms_ready"] += x.teaching_rooms_ready
        g["mbps"] += x.download_mbps
        g["devices"] += x.devices_total
        g["broken"] += x.devices_broken
        g["cost_vnd"] += r.cost_vnd
    rows = []
    for key, g in sorted(groups.items(), key=lambda kv: str(kv[0])):
        rows.append(
            {
                "key": key,
                **g,
                "pupils_per_computer": round(g["pupils"] / g["computers"], 1) if g["computers"] else None,
                "presentation_share": round(g["rooms_ready"] / g["rooms"], 3) if g["rooms"] else None,
                "kbps_per_pupil": round(g["mbps"] * 1000 / g["pupils"], 1) if g["pupils"] else None,
                "broken_share": round(g["broken"] / g["devices"], 3) if g["devices"] else None,
            }
        )
    return rows


def procurement_list(*, scope: Scope, filters: ReadinessFilter | None = None) -> list[dict[str, Any]]:
    """Schools below thresholds ranked for procurement: lowest readiness score first, then
    most pupils per working computer; each row says what it would take and what it costs."""
    results = readiness_for(scope=scope, filters=filters)
    summaries = {s["id"]: s for s in registry.school_summaries(list(results))}
    rows = []
    for sid, r in results.items():
        if not r.below:
            continue
        rows.append({**summaries[sid], **r.as_dict()})
    rows.sort(key=lambda row: (row["score"], -(row["pupils_per_computer"] or 1e9), row["moet_code"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def condition_over_time(*, scope: Scope, school_id: int | None = None) -> list[dict[str, Any]]:
    qs = ConditionSnapshot.objects.all()
    if scope.filter_q(perms.VIEW, PATH) != Q(pk__isnull=False):
        # A scope short of the whole city: its schools. The department's months are summed over
        # every row in one pass (42,000 snapshots of a city): testing each row's school against
        # the city's 3,500 ids probed the index school by school (0.2 s a view under load).
        qs = qs.filter(school_id__in=registry.school_ids_in_scope(scope=scope, permission=perms.VIEW))
    if school_id:
        qs = qs.filter(school_id=school_id)
    months = (
        qs.values("month")
        .annotate(
            in_use=Sum("in_use"),
            needs_repair=Sum("needs_repair"),
            broken=Sum("broken"),
            retired=Sum("retired"),
        )
        .order_by("month")
    )
    return [dict(month) for month in months]
