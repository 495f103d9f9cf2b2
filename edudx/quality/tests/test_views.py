"""The review pages and the API: scoped, masked, merge by field, unmerge, one winner."""

from edudx.core.roles import Role
from edudx.quality.models import CandidatePair, Merge, PairState
from edudx.registry.models import Student


def test_queue_and_pair_page_show_differences_and_mask_other_schools_ids(city, twin, client_for):
    c = client_for(Role.SCHOOL_ADMIN)  # view_pii at A1 only; the copy is at B1
    page = c.get("/quality/")
    assert page.status_code == 200 and f"/quality/pairs/{twin['pair'].pk}/" in page.content.decode()
    html = c.get(f"/quality/pairs/{twin['pair'].pk}/").content.decode()
    assert 'data-field="full_name" data-differs="1"' in html
    assert twin["original"].personal_id in html  # A1's own pupil: in full
    assert "0987654321" not in html and "*******321" in html  # B1's phone masked
    assert 'data-testid="merge"' not in html and 'data-testid="different"' in html  # B1 is not theirs


def test_officer_merges_choosing_fields_then_unmerges_from_the_pages(city, twin, client_for):
    c = client_for(Role.DEPT_OFFICER)
    pair, original, copy = twin["pair"], twin["original"], twin["copy"]
    r = c.post(
        f"/quality/pairs/{pair.pk}/",
        {
            "action": "merge",
            "survivor": original.pk,
            "take_parent_phone": copy.pk,
            "take_full_name": original.pk,
        },
    )
    merge = Merge.objects.get(pair=pair)
    assert r.status_code == 302 and r["Location"].endswith(f"/quality/merges/{merge.pk}/")
    assert Student.objects.get(pk=original.pk).parent_phone == "0987654321"
    assert merge.snapshot["take"] == ["parent_phone"]
    html = c.get(f"/quality/merges/{merge.pk}/").content.decode()
    assert 'data-testid="history-1"' in html and "merged_from" in html and "merged_into" in html
    r = c.post(f"/quality/merges/{merge.pk}/undo/")
    assert r.status_code == 302
    assert Student.objects.get(pk=original.pk).parent_phone == original.parent_phone
    assert Student.objects.filter(pk=copy.pk).exists()
    assert CandidatePair.objects.get(pk=pair.pk).state == PairState.OPEN


def test_api_lists_scoped_merges_and_answers_a_second_merge_with_409(city, twin, client_for):
    pair = twin["pair"]
    teacher = client_for(Role.TEACHER)
    assert teacher.get(f"/api/v1/quality/pairs/{pair.pk}").status_code in (403, 404)
    c = client_for(Role.DEPT_OFFICER)
    items = c.get("/api/v1/quality/pairs").json()["items"]
    assert [p["id"] for p in items] == [pair.pk]
    body = {"survivor_id": pair.record_a, "take": []}
    r = c.post(f"/api/v1/quality/pairs/{pair.pk}/merge", body, content_type="application/json")
    assert r.status_code == 201
    again = c.post(f"/api/v1/quality/pairs/{pair.pk}/merge", body, content_type="application/json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "pair_already_decided"
    merge_id = r.json()["id"]
    assert c.post(f"/api/v1/quality/merges/{merge_id}/undo").status_code == 200
    assert c.post(f"/api/v1/quality/merges/{merge_id}/undo").json()["error"]["code"] == "merge_undone"


def test_api_refuses_bad_input_without_a_500(city, twin, client_for):
    c = client_for(Role.DEPT_OFFICER)
    pair = twin["pair"]
    for body in ({"survivor_id": 10**12, "take": []}, {"survivor_id": pair.record_a, "take": ["password"]},
                 {"survivor_id": "x"}, {}):  # fmt: skip
        r = c.post(f"/api/v1/quality/pairs/{pair.pk}/merge", body, content_type="application/json")
        assert r.status_code in (400, 422), (body, r.status_code)
    r = c.post(
        f"/api/v1/quality/pairs/{pair.pk}/decision", {"decision": "merged"}, content_type="application/json"
    )
    assert r.status_code == 422
    assert c.get("/api/v1/quality/pairs?min_probability=7").status_code == 422
    assert c.get("/quality/?state=%00&min_probability=x").status_code == 200
    assert c.post(f"/quality/pairs/{pair.pk}/", {"action": "merge", "survivor": "x"}).status_code == 302
    assert CandidatePair.objects.get(pk=pair.pk).state == PairState.OPEN


def test_anonymous_is_sent_to_login(client, twin):
    for url in ("/quality/", f"/quality/pairs/{twin['pair'].pk}/", "/quality/merges/", "/quality/runs/"):
        r = client.get(url)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_department_admin_sets_the_auto_merge_threshold_and_nonsense_is_refused(city, client_for):
    from edudx.quality import selectors

    c = client_for(Role.DEPT_ADMIN)
    assert c.post("/quality/runs/", {"auto_merge_threshold": "0,97"}).status_code == 302
    assert selectors.settings_get().auto_merge_threshold == 0.97
    for bad in ("abc", "7", "0.1"):
        c.post("/quality/runs/", {"auto_merge_threshold": bad})
        assert selectors.settings_get().auto_merge_threshold == 0.97
    assert (
        client_for(Role.DEPT_OFFICER).post("/quality/runs/", {"auto_merge_threshold": "0.9"}).status_code
        == 403
    )


def test_the_runs_page_polls_a_running_search_and_stops_when_it_is_done(city, client_for):
    from edudx.quality.models import DedupeRun

    run = DedupeRun.objects.create(kind="students", state="running", progress=60, step="scoring")
    c = client_for(Role.DEPT_OFFICER)
    page = c.get("/quality/runs/").content.decode()
    assert f'hx-get="/quality/runs/{run.pk}/progress/"' in page
    row = c.get(f"/quality/runs/{run.pk}/progress/", headers={"HX-Request": "true"}).content.decode()
    assert "60% scoring" in row and "hx-trigger" in row
    DedupeRun.objects.filter(pk=run.pk).update(state="done", progress=100, pairs=7)
    row = c.get(f"/quality/runs/{run.pk}/progress/", headers={"HX-Request": "true"}).content.decode()
    assert "hx-get" not in row and 'data-state="done"' in row
    assert c.get(f"/quality/runs/{run.pk}/progress/").json()["pairs"] == 7


def test_pair_page_reads_as_people_read_and_merge_history_is_masked_per_school(city, twin, client_for):
    pair = twin["pair"]
    principal = client_for(Role.SCHOOL_ADMIN)  # view_pii at A1 only; the copy is at B1
    html = principal.get(f"/quality/pairs/{pair.pk}/").content.decode()
    assert "01/03/2014" in html and "2014-03-01" not in html  # dates as dd/mm/yyyy
    assert (
        'data-field="school"' in html and f"> {city.schools[2].unit.name}</label>" in html
    )  # a name, not an id
    officer = client_for(Role.DEPT_OFFICER)
    officer.post(f"/quality/pairs/{pair.pk}/", {"action": "merge", "survivor": twin["original"].pk})
    merge = Merge.objects.get(pair=pair)
    assert "0987654321" in officer.get(f"/quality/merges/{merge.pk}/").content.decode()
    seen = principal.get(f"/quality/merges/{merge.pk}/")
    body = seen.content.decode()
    assert seen.status_code == 200 and "merged_into" in body
    assert "0987654321" not in body and "*******321" in body  # the B1 copy's phone, masked
