"""Spreadsheets, PDF reports and the sector-database export of published results."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from edudx.core.exports import safe_text
from edudx.core.rules.levels import Level, Ownership

from . import selectors
from .models import Assessment, Campaign, Criterion


def safe(value):
    """A cell value that a spreadsheet can never read as a formula (core.exports' one guard)."""
    return safe_text(value) if isinstance(value, str) else value


def _num(d: Decimal | None):
    return None if d is None else float(d)


def _criteria(campaign: Campaign) -> list[Criterion]:
    return [c for g in selectors.framework_groups(campaign.framework) for c in g.criteria.all()]


def campaign_xlsx(*, scope, campaign: Campaign) -> bytes:
    """The sector's layout: one row per school, points per criterion, points and level per group."""
    groups = selectors.framework_groups(campaign.framework)
    criteria = [c for g in groups for c in g.criteria.all()]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Results"))
    status = dict(Assessment.Status.choices)
    levels = dict(Level.choices)
    owners = dict(Ownership.choices)
    head = [
        _("No."),
        _("MOET code"),
        _("School"),
        _("Supervising unit"),
        _("School level"),
        _("Ownership"),
        _("Status"),
    ]
    head += [f"{c.code} ({_('met') if c.is_mandatory else c.max_points})" for c in criteria]
    for g in groups:
        head += [_("Group %(code)s points") % {"code": g.code}, _("Group %(code)s level") % {"code": g.code}]
    ws.append([safe(campaign.name)])
    ws.append(
        [
            safe(f"{_('Framework')}: {campaign.framework}"),
            None,
            safe(f"{_('School year')}: {campaign.school_year}"),
        ]
    )
    ws.append([safe(h) for h in head])
    met_text, not_met_text = _("Met"), _("Not met")
    rows = selectors.export_table(scope=scope, campaign=campaign)
    for i, a in enumerate(rows["assessments"], start=1):
        entries = rows["entries"].get(a["id"], {})
        results = rows["results"].get(a["id"], {})
        row = [
            i,
            safe(a["school__moet_code"]),
            safe(a["school__unit__name"]),
            safe(a["supervisor__name"]),
            safe(str(levels.get(a["school_level"], a["school_level"]))),
            safe(str(owners.get(a["ownership"], a["ownership"]))),
            safe(str(status[a["status"]])),
        ]
        for c in criteria:
            e = entries.get(c.pk)
            if e is None:
                row.append(None)
            elif c.is_mandatory:
                row.append(None if e[2] is None else (met_text if e[2] else not_met_text))
            else:
                final = e[1] if e[1] is not None else e[0]
                row.append(_num(final))
        for g in groups:
            r = results.get(g.pk)
            row += [_num(r[0]) if r else None, (r[1] or None) if r else None]
        ws.append(row)
    summary = wb.create_sheet(_("Summary"))
    summary.append(
        [_("Group"), _("Supervising unit"), _("No level"), _("Level 1"), _("Level 2"), _("Level 3")]
    )
    for code, by_unit in selectors.level_distribution(scope=scope, campaign=campaign, by="unit").items():
        for unit, counts in by_unit.items():
            summary.append([safe(code), safe(unit), counts[0], counts[1], counts[2], counts[3]])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def sector_export_csv(*, scope, campaign: Campaign) -> bytes:
    """Published results for syncing with the sector database: one row per school and group,
    with the MOET code as the key (stable column names)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(
        [
            "ma_truong",
            "ten_truong",
            "nam_hoc",
            "bo_chi_so",
            "nhom",
            "tong_diem",
            "dieu_kien_bat_buoc",
            "muc",
            "ngay_cong_bo",
        ]
    )
    groups = {g.pk: g for g in campaign.framework.groups.all()}
    for a in selectors.export_rows(scope=scope, campaign=campaign, published_only=True):
        for r in sorted(a.results.all(), key=lambda r: groups[r.group_id].order):
            w.writerow(
                [
                    safe(a.school.moet_code),
                    safe(a.school.name),
                    campaign.school_year,
                    f"{campaign.framework.code}/{campaign.framework.year}",
                    groups[r.group_id].code,
                    f"{r.points:.2f}",
                    "1" if r.mandatory_met else "0",
                    r.level,
                    timezone.localtime(a.published_at).date().isoformat() if a.published_at else "",
                ]
            )
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def assessment_pdf(*, assessment: Assessment) -> bytes:
    entries = selectors.assessment_entries(assessment)
    html = render_to_string(
        "monitoring/pdf/assessment.html",
        {
            "a": assessment,
            "c": assessment.campaign,
            "entries": entries,
            "results": selectors.assessment_results(assessment),
            "now": timezone.localtime(),
        },
    )
    return _pdf(html)


def city_summary_pdf(*, scope, campaign: Campaign) -> bytes:
    s = selectors.city_summary(scope=scope, campaign=campaign)
    html = render_to_string(
        "monitoring/pdf/summary.html",
        {
            "c": campaign,
            "s": s,
            "now": timezone.localtime(),
            "statuses": Assessment.Status.choices,
            "levels_by": [(code, d) for code, d in s.levels.items()],
            "by_school_level": [
                (code, {str(dict(Level.choices).get(k, k)): v for k, v in d.items()})
                for code, d in s.by_school_level.items()
            ],
        },
    )
    return _pdf(html)
