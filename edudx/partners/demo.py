"""Demo partners: three companies and their apps (an LMS and a family–school app approved, a quiz
app under review), the schools that use the approved apps (the LMS on a public-task contract,
the family app on consent), an OAuth client for each approved app and parents' and pupils'
answers for the family app — one of them withdrawn, so the feed and the data subject's page
show a deletion. Small at any scale: a partner touches a few schools."""

from __future__ import annotations

import datetime as dt

from edudx.core.demo import DemoContext
from edudx.registry import selectors as registry

from . import services
from .models import Party
from .profiles import REVIEW_KEYS
from .schemas import AppIn, CompanyIn, ContactIn, ContractIn, ReviewIn

ORDER = 96  # after the registry's city and every app that reads it
SCOPE = "https://purl.imsglobal.org/spec/or/v1p2/scope/"

APPS = [
    # company, tax code, app, kind, categories, reviewed and approved
    ("Công ty Cổ phần Học Trực Tuyến Sao Mai", "0312345678", "Lớp học Sao Mai", "lms", ["roster", "identifiers"], True),
    ("Công ty TNHH Kết Nối Gia Đình An Tâm", "0319876543", "Sổ liên lạc An Tâm", "family", ["roster", "contact", "birth"], True),
    ("Công ty Cổ phần Trắc Nghiệm Nhanh", "0315551234", "Trắc nghiệm Nhanh", "quiz", ["roster"], False),
]  # fmt: skip


def build(ctx: DemoContext) -> None:
    a = ctx.actor
    schools, _order = registry.school_list(scope=a.scope)
    first = list(schools.order_by("pk")[:4])
    if not first:
        return
    apps = {}
    for company_name, tax, app_name, kind, categories, approve in APPS:
        company = services.company_create(actor=a, data=CompanyIn(name=company_name, tax_code=tax))
        services.contact_add(
            actor=a,
            company=company,
            data=ContactIn(name="Nguyễn Văn Hải", role="Phụ trách bảo vệ dữ liệu", email=f"dpo@{tax}.vn"),
        )
        app = services.app_create(
            actor=a, company=company, data=AppIn(name=app_name, kind=kind, categories=categories)
        )
        signed = ctx.today - dt.timedelta(days=120)
        services.contract_add(
            actor=a,
            app=app,
            data=ContractIn(
                reference=f"HĐ-{tax[-4:]}/SGDĐT",
                signed_on=signed,
                valid_until=signed.replace(year=signed.year + 2),
            ),
        )
        services.app_review(
            actor=a, app=app, data=ReviewIn(items=dict.fromkeys(REVIEW_KEYS, (True, "Đã kiểm tra hồ sơ")))
        )
        app = services.app_move(actor=a, app=app, move="submit")
        if approve:
            app = services.app_move(actor=a, app=app, move="approve")
        apps[kind] = app
    for school in first[:3]:  # the LMS: a public-task contract (roster only, by the sharing policy)
        use = services.use_request(actor=a, app=apps["lms"], school=school, legal_basis="public_task")
        services.use_decide(actor=a, use=use, approve=True)
    for school in first[:2]:  # the family app: on consent
        use = services.use_request(actor=a, app=apps["family"], school=school, legal_basis="consent")
        services.use_decide(actor=a, use=use, approve=True)
    services.use_request(actor=a, app=apps["family"], school=first[-1], legal_basis="consent")  # waits
    services.client_create(
        actor=a, app=apps["lms"], name="Đồng bộ danh sách lớp", scopes=[SCOPE + "roster-core.readonly"]
    )
    services.client_create(
        actor=a,
        app=apps["family"],
        name="Máy chủ Sổ liên lạc",
        scopes=[SCOPE + "roster-core.readonly", SCOPE + "roster-demographics.readonly"],
    )
    pupils, _order = registry.student_list(scope=a.scope)
    answered = list(pupils.filter(school_id=first[0].pk).order_by("pk")[:12])
    for k, pupil in enumerate(answered):
        for party in (Party.PARENT, Party.PUPIL):
            channel = "link" if party == Party.PARENT and k % 2 else "web"
            services.consent_set(
                actor=a, app=apps["family"], student=pupil, party=party, given=True, channel=channel
            )
    if answered:  # one parent changed their mind: a deletion in the feed
        services.consent_set(
            actor=a, app=apps["family"], student=answered[-1], party=Party.PARENT, given=False, channel="link"
        )
    ctx.log(f"partners: {len(APPS)} apps, {len(first[:3])} schools on the LMS, {len(answered)} consents")
