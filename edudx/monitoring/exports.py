"""Spreadsheets, PDF reports and the sector-database export of published results."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from edudx.core.exports import Column, Sheet, csv_lines, safe_text, xlsx_book
from edudx.core.rules.levels import Level, Ownership
from edudx.core.scope import Scope

from . import selectors
from .models import Assessment, Campaign, Criterion


def safe(value):
    """A cell value that a spreadsheet can never read as a formula (core.exports' one guard)."""
    return safe_text(value) if isinstance(value, str) else value


def _num(d: Decimal | None):
    return None if d is None else float(d)


def vn_number(value: float) -> str:
    """7.5 → "7,5", 1234.5 → "1.234,5" (Vietnamese: dot for thousands, comma for decimals)."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u00a0").replace(".", ",").replace("\u00a0", ".")


def _criteria(campaign: Campaign) -> list[Criterion]:
    return [c for g in selectors.framework_groups(campaign.framework) for c in g.criteria.all()]


def campaign_xlsx(*, scope: Scope, campaign: Campaign) -> bytes:
    """The sector's layout: one row per school, points per criterion, points and level per group
    (numbers as numbers), under two title lines; a summary sheet of levels per unit. Written by
    core.exports (one formula guard, one writer)."""
    groups = selectors.framework_groups(campaign.framework)
    criteria = [c for g in groups for c in g.criteria.all()]
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
    title: list[list[Any]] = [
        [campaign.name],
        [f"{_('Framework')}: {campaign.framework}", None, f"{_('School year')}: {campaign.school_year}"],
    ]
    met_text, not_met_text = _("Met"), _("Not met")
    table = selectors.export_table(scope=scope, campaign=campaign)

    def rows() -> Iterator[list[Any]]:
        for i, a in enumerate(table["assessments"], start=1):
            entries = table["entries"].get(a["id"], {})
            results = table["results"].get(a["id"], {})
            row: list[Any] = [
                i,
                a["school__moet_code"],
                a["school__unit__name"],
                a["supervisor__name"],
                str(levels.get(a["school_level"], a["school_level"])),
                str(owners.get(a["ownership"], a["ownership"])),
                str(status[a["status"]]),
            ]
            for c in criteria:
                e = entries.get(c.pk)
                if e is None:
                    row.append(None)
                elif c.is_mandatory:
                    row.append(None if e[2] is None else (met_text if e[2] else not_met_text))
                else:
                    row.append(_num(e[1] if e[1] is not None else e[0]))
            for g in groups:
                r = results.get(g.pk)
                row += [_num(r[0]) if r else None, (r[1] or None) if r else None]
            yield row

    summary = [
        [code, unit, counts[0], counts[1], counts[2], counts[3]]
        for code, by_unit in selectors.level_distribution(scope=scope, campaign=campaign, by="unit").items()
        for unit, counts in by_unit.items()
    ]
    widths = [6, 14, 36, 28, 14, 14, 16] + [12] * (len(head) - 7)
    return xlsx_book(
        [
            Sheet(
                _("Results"), [Column(h, width=w) for h, w in zip(head, widths, strict=True)], rows(), title
            ),
            Sheet(
                _("Summary"),
                [
                    Column(h, width=w)
                    for h, w in zip(
                        [
                            _("Group"),
                            _("Supervising unit"),
                            _("No level"),
                            _("Level 1"),
                            _("Level 2"),
                            _("Level 3"),
                        ],
                        [10, 36, 12, 12, 12, 12],
                        strict=True,
                    )
                ],
                summary,
            ),
        ]
    )


def sector_export_csv(*, scope: Scope, campaign: Campaign) -> bytes:
    """Published results for syncing with the sector database: one row per school and group,
    with the MOET code as the key (stable column names)."""
    headers = [
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
    groups = {g.pk: g for g in campaign.framework.groups.all()}

    def rows() -> Iterator[list[Any]]:
        for a in selectors.export_rows(scope=scope, campaign=campaign, published_only=True):
            for r in sorted(a.results.all(), key=lambda r: groups[r.group_id].order):
                yield [
                    a.school.moet_code if a.school else a.authority.code if a.authority else "",
                    a.subject_name,
                    campaign.school_year,
                    f"{campaign.framework.code}/{campaign.framework.year}",
                    groups[r.group_id].code,
                    f"{r.points:.2f}",
                    "1" if r.mandatory_met else "0",
                    r.level,
                    timezone.localtime(a.published_at).date().isoformat() if a.published_at else "",
                ]

    return "".join(csv_lines(headers, rows())).encode("utf-8")


def _pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def assessment_pdf(*, assessment: Assessment) -> bytes:
    """A school's (or an authority's) evaluation result as a report to its supervising unit, in
    the form of a Vietnamese administrative document (Decree 30/2020: core.documents)."""
    from edudx.core import documents

    entries = selectors.assessment_entries(assessment)
    body = render_to_string(
        "monitoring/pdf/assessment_body.html",
        {
            "a": assessment,
            "c": assessment.campaign,
            "entries": entries,
            "results": selectors.assessment_results(assessment),
        },
    )
    done = assessment.status == Assessment.Status.PUBLISHED
    doc = documents.AdminDocument(
        parent_unit=assessment.supervisor.name if assessment.supervisor_id != assessment.authority_id else "",
        issuing_unit=assessment.subject_name,
        symbol="BC",
        kind="BÁO CÁO",
        summary=(
            f"Kết quả {'' if done else 'tự '}đánh giá mức độ chuyển đổi số của {assessment.subject_name}"
            f" năm học {assessment.campaign.school_year}"
        ),
        recipients=[assessment.supervisor.name, "Lưu: VT"],
        signer_title="HIỆU TRƯỞNG" if assessment.school_id else "THỦ TRƯỞNG ĐƠN VỊ",
    )
    return documents.pdf(doc, body)


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


# ------------------------------------------------------------- the authority index (3806)
def _ranking_rows(scope: Scope, campaign: Campaign) -> tuple[list[str], list[list[Any]]]:
    groups = selectors.ranking_groups(campaign)
    headers = [
        _("Rank"),
        _("Code"),
        _("Unit"),
        *[f"{_('Group')} {g}" for g in groups],
        _("Total points"),
        _("Level"),
        _("Status"),
    ]
    rows = [
        [
            r["rank"] or "",
            r["code"],
            r["name"],
            *[_num(p) for p in r["groups"]],
            _num(r["total"]),
            r["level"] if r["level"] is not None else "",
            str(r["status"]),
        ]
        for r in selectors.authority_ranking(scope=scope, campaign=campaign)
    ]
    return headers, rows


def ranking_xlsx(*, scope: Scope, campaign: Campaign) -> bytes:
    """The ranking of the authorities of a 3806 campaign, one row per unit the caller may see."""
    from edudx.core.exports import NUMBER, TEXT

    headers, rows = _ranking_rows(scope, campaign)
    kinds = [NUMBER, TEXT, TEXT, *[NUMBER] * (len(headers) - 6), NUMBER, NUMBER, TEXT]
    columns = [
        Column(h, kind=k, width=30 if i == 2 else 14)
        for i, (h, k) in enumerate(zip(headers, kinds, strict=True))
    ]
    title: list[list[Any]] = [
        [campaign.name],
        [f"{_('Framework')}: {campaign.framework}", None, f"{_('School year')}: {campaign.school_year}"],
    ]
    return xlsx_book([Sheet(name=_("Ranking"), columns=columns, rows=rows, title=title)])


def ranking_pdf(*, scope: Scope, campaign: Campaign, issuing_unit: str) -> bytes:
    """The ranking report to an authority, in the form of a Vietnamese administrative document
    (Decree 30/2020: core.documents)."""
    from edudx.core import documents

    headers, rows = _ranking_rows(scope, campaign)
    shown = [[vn_number(v) if isinstance(v, float) else v for v in row] for row in rows]
    body = render_to_string(
        "monitoring/pdf/ranking_body.html", {"c": campaign, "headers": headers, "rows": shown}
    )
    doc = documents.AdminDocument(
        parent_unit="",
        issuing_unit=issuing_unit,
        symbol="BC-SGDĐT",
        kind="BÁO CÁO",
        summary=f"Kết quả đánh giá, xếp hạng chuyển đổi số của cơ quan quản lý giáo dục năm học {campaign.school_year}",
        recipients=[
            "Bộ Giáo dục và Đào tạo (để báo cáo)",
            "Ủy ban nhân dân các phường, xã, đặc khu",
            "Lưu: VT",
        ],
        signer_title="GIÁM ĐỐC",
    )
    return documents.pdf(doc, body, landscape=len(headers) > 8)
