from __future__ import annotations

from edudx.core.roles import Role
from edudx.identity.models import Verification, VerificationRun

BASE = "/api/v1/identity"


def test_verify_then_read_status_and_counts(city, city_registry, client_for):
    c = client_for(Role.SCHOOL_ADMIN)
    ids = [s.pk for s in city.students[:3]]
    r = c.post(f"{BASE}/verify", {"kind": "student", "ids": ids}, content_type="application/json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["checked"] == 3 and body["counts"] == {"verified": 1, "mismatch": 2}
    assert [x["status"] for x in body["results"]] == ["verified", "mismatch", "mismatch"]

    r = c.get(f"{BASE}/students/{city.students[2].pk}")
    assert r.json()["status"] == "mismatch" and r.json()["differing_fields"] == ["date_of_birth"]

    r = c.get(f"{BASE}/counts")
    assert r.json()["total"] == 3 and r.json()["counts"]["verified"] == 1


def test_status_of_a_person_out_of_scope_is_404(city, client_for):
    r = client_for(Role.SCHOOL_ADMIN).get(f"{BASE}/students/{city.students[6].pk}")
    assert r.status_code == 404
    assert city.students[6].full_name not in r.content.decode()


def test_unverified_person_has_unverified_status(city, client_for):
    r = client_for(Role.TEACHER).get(f"{BASE}/students/{city.students[0].pk}")
    assert r.status_code == 200 and r.json()["status"] == "unverified"


def test_verify_out_of_scope_is_refused_and_nothing_recorded(city, city_registry, client_for):
    r = client_for(Role.SCHOOL_ADMIN).post(
        f"{BASE}/verify", {"ids": [city.students[6].pk]}, content_type="application/json"
    )
    assert r.status_code == 404
    assert not Verification.objects.exists()


def test_teacher_cannot_verify(city, city_registry, client_for):
    r = client_for(Role.TEACHER).post(
        f"{BASE}/verify", {"ids": [city.students[0].pk]}, content_type="application/json"
    )
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "permission_denied"


def test_start_a_run_and_follow_it(city, city_registry, client_for, django_capture_on_commit_callbacks):
    c = client_for(Role.DEPT_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"{BASE}/runs", {"school": city.schools[2].pk}, content_type="application/json")
    assert r.status_code == 202
    run_id = r.json()["id"]
    r = c.get(f"{BASE}/runs/{run_id}")
    assert r.json()["state"] == "done" and r.json()["percent"] == 100
    assert client_for(Role.SCHOOL_ADMIN).get(f"{BASE}/runs/{run_id}").status_code == 404
    assert VerificationRun.objects.get().school_id == city.schools[2].pk
