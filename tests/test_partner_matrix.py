"""Partner clients in the route matrix: every OneRoster door, walked from its URL patterns,
proves that an app sees exactly its approved schools and its profile's fields, that a foreign
sourcedId is 404 in the spec's status-info body, and that every answer validates against the
our own JSON Schema of OneRoster 1.2 (edudx/partners/oneroster/schemas/ — written from the spec's
facts, cross-checked against 1EdTech's OpenAPI file, which may not be redistributed: see its
README), and that a full-profile answer meets that schema with the spec's required properties."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
from django.urls import URLPattern

from edudx.core.actor import Actor
from edudx.partners import services
from edudx.partners.oneroster import urls as or_urls
from edudx.partners.oneroster.documents import json_schema
from edudx.partners.profiles import user_fields
from edudx.partners.tests.conftest import make_partner

BASE = "/partners/ims/oneroster/rostering/v1p2/"
KWARG = re.compile(r"<str:(\w+)>")
SCHOOL_REF = re.compile(r'"sourcedId": "(org\d+)"')


def _routes() -> list[str]:
    return [str(p.pattern) for p in or_urls.urlpatterns if isinstance(p, URLPattern)]


def _ids(city, school: int) -> dict[str, str]:
    k = school
    return {
        "org_sid": f"org{city.schools[k].pk}",
        "class_sid": f"cl{city.classes[k].pk}",
        "user_sid": f"s{city.students[3 * k].pk}",
        "enrollment_sid": f"e{city.students[3 * k].enrolments.get().pk}",
        "course_sid": f"c{city.schools[k].pk}-{city.year.pk}-6",
        "session_sid": f"y{city.year.pk}",
    }


@pytest.mark.django_db
def test_partner_sees_exactly_its_schools_and_fields_on_every_door(city):
    p = make_partner(
        city, schools=((0, "public_task"), (1, "consent")), categories=("roster", "identifiers", "birth")
    )
    consented = city.students[3]  # A2: both answers given
    for party in ("parent", "pupil"):
        services.consent_set(
            actor=Actor.system(source="t"), app=p.app, student=consented, party=party, given=True
        )
    approved = {f"org{city.schools[0].pk}", f"org{city.schools[1].pk}"}
    own = _ids(city, 0)
    foreign = _ids(city, 2)  # school B1: never approved
    foreign_names = [s.full_name for s in city.students[6:]] + [city.schools[2].unit.name]
    a1_fields = user_fields(frozenset({"roster"}))  # public task: the policy lets the roster only
    a2_fields = user_fields(frozenset({"roster", "identifiers"}))
    problems: list[str] = []
    routes = _routes()
    assert len(routes) >= 28, routes
    for route in routes:
        names = KWARG.findall(route)
        cases = [("own", own)] + ([("foreign", foreign)] if names else [])
        for label, ids in cases:
            if route.startswith("teachers/"):
                k = 0 if label == "own" else 2
                ids = {**ids, "user_sid": f"st{city.staff[k].pk}"}
            url = BASE + KWARG.sub(lambda m, ids=ids: ids[m[1]], route)
            r = p.get(url[len(BASE) :])
            text = r.content.decode()
            body = r.json()
            where = f"{label} {url}"
            for name in foreign_names:
                if name in text:
                    problems.append(f"{where}: leaks {name}")
            if label == "foreign" and not route.startswith("academicSessions"):
                if r.status_code != 404:
                    problems.append(f"{where}: {r.status_code}, expected 404")
                jsonschema.validate(body, json_schema("status"))
                if (
                    body["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"]
                    != "unknownobject"
                ):
                    problems.append(f"{where}: not unknownobject")
                continue
            if r.status_code != 200:
                problems.append(f"{where}: {r.status_code} {text[:200]}")
                continue
            ((wrapper, value),) = body.items()
            jsonschema.validate(body, json_schema(wrapper, many=isinstance(value, list)))
            refs = set(SCHOOL_REF.findall(text))
            if not refs <= approved:
                problems.append(f"{where}: schools {refs - approved}")
            for record in value if isinstance(value, list) else [value]:
                if wrapper in ("users", "user") and record["status"] == "active":
                    school = record["primaryOrg"]["sourcedId"]
                    allowed = a1_fields if school == f"org{city.schools[0].pk}" else a2_fields
                    extra = set(record) - allowed
                    if extra:
                        problems.append(f"{where}: {record['sourcedId']} carries {sorted(extra)}")
                if wrapper in ("users", "user") and re.fullmatch(r"s\d+", record["sourcedId"]):
                    pk = int(record["sourcedId"][1:])
                    if pk in {s.pk for s in city.students[4:6]}:  # A2 pupils without consent
                        problems.append(f"{where}: pupil {pk} flows without consent")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_no_approved_school_no_data_and_errors_name_nothing(city):
    p = make_partner(city, schools=())
    for path in ("orgs", "users", "classes", "enrollments", "courses", "demographics"):
        body = p.get(path).json()
        ((_wrapper, value),) = body.items()
        assert value == [], path
    r = p.get("users", filter=f"familyName='{city.students[0].full_name}'")
    assert r.status_code == 400
    assert city.students[0].full_name not in json.dumps(r.json(), ensure_ascii=False)


@pytest.mark.django_db
def test_feed_and_csv_doors_show_exactly_the_approved_schools_and_fields(city):
    """The change feed (every resource) and the CSV bulk and delta zips, after a change in every
    school: only approved schools' records, only profile fields, the same JSON Schema as REST."""
    import csv
    import datetime as dt
    import io
    import zipfile

    from edudx.partners.oneroster import feed as feed_module
    from edudx.partners.oneroster.bulk import COLUMNS
    from edudx.registry import services as registry
    from edudx.registry.schemas import StudentPatch

    p = make_partner(
        city, schools=((0, "public_task"), (1, "consent")), categories=("roster", "identifiers", "birth")
    )
    a = Actor.system(source="t")
    for party in ("parent", "pupil"):
        services.consent_set(actor=a, app=p.app, student=city.students[3], party=party, given=True)
    start = feed_module.latest_version()
    since = dt.datetime.now(dt.UTC)
    for i, pupil in enumerate(city.students):  # a change in every school, approved or not
        registry.student_update(
            actor=a, student=pupil, data=StudentPatch(full_name=f"{pupil.full_name} X{'abcdefghijkl'[i]}")
        )
    approved = {f"org{city.schools[0].pk}", f"org{city.schools[1].pk}"}
    foreign_names = [s.full_name for s in city.students[6:]] + [city.schools[2].unit.name]
    foreign_sids = {f"s{s.pk}" for s in city.students[6:]} | {f"s{s.pk}" for s in city.students[4:6]}
    fields = {
        f"org{city.schools[0].pk}": user_fields(frozenset({"roster"})),
        f"org{city.schools[1].pk}": user_fields(frozenset({"roster", "identifiers"})),
    }
    wrappers = {
        "orgs": "org",
        "classes": "class",
        "users": "user",
        "enrollments": "enrollment",
        "demographics": "demographics",
    }
    problems: list[str] = []
    for resource in sorted(feed_module.CORE_RESOURCES):
        r = p.http.get(
            f"/partners/feed/v1/{resource}", {"after": start}, HTTP_AUTHORIZATION=f"Bearer {p.token}"
        )
        text = r.content.decode()
        if r.status_code != 200:
            problems.append(f"feed {resource}: {r.status_code}")
            continue
        leaks = [n for n in foreign_names if n in text] + [s for s in foreign_sids if f'"{s}"' in text]
        if leaks:
            problems.append(f"feed {resource}: leaks {leaks}")
        if not set(SCHOOL_REF.findall(text)) <= approved:
            problems.append(f"feed {resource}: schools {set(SCHOOL_REF.findall(text)) - approved}")
        for change in r.json()["changes"]:
            record = {k: v for k, v in change.items() if k != "version"}
            jsonschema.validate({wrappers[resource]: record}, json_schema(wrappers[resource], many=False))
            if resource == "users" and record["status"] == "active":
                extra = set(record) - fields[record["primaryOrg"]["sourcedId"]]
                if extra:
                    problems.append(f"feed users {record['sourcedId']} carries {sorted(extra)}")
    for mode, params in (("bulk", {}), ("delta", {"since": since.strftime("%Y-%m-%dT%H:%M:%S.%fZ")})):
        r = p.http.get(
            f"/partners/oneroster/csv/v1p2/{mode}.zip", params, HTTP_AUTHORIZATION=f"Bearer {p.token}"
        )
        if r.status_code != 200:
            problems.append(f"csv {mode}: {r.status_code}")
            continue
        zf = zipfile.ZipFile(io.BytesIO(b"".join(r.streaming_content)))
        for name in zf.namelist():
            text = zf.read(name).decode()
            rows = list(csv.DictReader(io.StringIO(text)))
            if name != "manifest.csv" and rows and list(rows[0]) != COLUMNS[name[:-4]]:
                problems.append(f"csv {mode} {name}: columns {list(rows[0])}")
            leaks = [n for n in foreign_names if n in text] + [s for s in foreign_sids if f"{s}," in text]
            if leaks:
                problems.append(f"csv {mode} {name}: leaks {leaks}")
            orgs = set(re.findall(r"\b(org\d+)\b", text))
            if not orgs <= approved:
                problems.append(f"csv {mode} {name}: schools {orgs - approved}")
            if name == "users.csv":
                for row in rows:
                    if row["userIds"] or (
                        row["primaryOrgSourcedId"] == f"org{city.schools[0].pk}" and row["identifier"]
                    ):
                        problems.append(f"csv {mode} users {row['sourcedId']}: fields outside the profile")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_full_profile_answers_meet_the_official_schema_requirements(city):
    """With every category and every consent given, each active record of every door carries what
    the official 1EdTech 1.2 OpenAPI requires of its type, and every reference names the right
    object type (documents.official_problems: facts read from that file, not vendored)."""
    from edudx.partners.oneroster.documents import official_problems

    assert official_problems("users", {"sourcedId": "s1", "status": "active"}) == [
        "missing enabledUser", "missing givenName", "missing familyName", "missing roles", "roles empty",
    ]  # fmt: skip
    p = make_partner(
        city,
        schools=((0, "consent"),),
        categories=("roster", "identifiers", "birth", "contact", "demographics"),
    )
    a = Actor.system(source="t")
    for pupil in city.students[:3]:
        for party in ("parent", "pupil"):
            services.consent_set(actor=a, app=p.app, student=pupil, party=party, given=True)
    own = _ids(city, 0)
    problems: list[str] = []
    seen: set[str] = set()
    for route in _routes():
        ids = {**own, "user_sid": f"st{city.staff[0].pk}"} if route.startswith("teachers/") else own
        r = p.get(KWARG.sub(lambda m, ids=ids: ids[m[1]], route))
        if r.status_code != 200:
            problems.append(f"{route}: {r.status_code}")
            continue
        ((wrapper, value),) = r.json().items()
        errors = jsonschema.Draft202012Validator(json_schema(wrapper, full=True)).iter_errors(r.json())
        problems += [f"{route}: {e.message}" for e in errors]
        for record in value if isinstance(value, list) else [value]:
            seen.add(wrapper)
            problems += [f"{route} {record['sourcedId']}: {x}" for x in official_problems(wrapper, record)]
    assert {"orgs", "academicSessions", "courses", "classes", "users", "enrollments"} <= seen
    assert not problems, "\n".join(problems)
