import io

from django.urls import reverse
from openpyxl import load_workbook

from edudx.core.roles import Role
from edudx.infrastructure.models import Condition, Device


def test_the_dashboard_shows_the_scopes_schools_and_charts(client_for, city, equipped):
    r = client_for(Role.WARD_OFFICER).get(reverse("infrastructure:dashboard"))
    assert r.status_code == 200
    body = r.content.decode()
    assert 'data-testid="infra-schools">2<' in body
    assert city.schools[2].unit.name not in body  # B1 is in ward B
    assert "echarts.min.js" in body and "chart-trend" in body


def test_two_taps_from_a_phone_mark_a_device_broken(client_for, city, equipped):
    device = Device.objects.filter(school=equipped["a1"]).first()
    teacher = client_for(Role.TEACHER)
    page = teacher.get(reverse("infrastructure:device_detail", kwargs={"device_id": device.pk}))
    assert page.status_code == 200 and f'data-condition="{Condition.BROKEN}"' in page.content.decode()
    r = teacher.post(
        reverse("infrastructure:device_condition", kwargs={"device_id": device.pk}),
        {"condition": Condition.BROKEN},
    )
    assert r.status_code == 302
    device.refresh_from_db()
    assert device.condition == Condition.BROKEN


def test_the_qr_code_encodes_the_device_page(client_for, equipped):
    device = Device.objects.filter(school=equipped["a1"]).first()
    r = client_for(Role.SCHOOL_ADMIN).get(
        reverse("infrastructure:device_qr", kwargs={"device_id": device.pk})
    )
    assert r.status_code == 200 and r["Content-Type"] == "image/svg+xml" and b"<svg" in r.content
    labels = client_for(Role.SCHOOL_ADMIN).get(
        reverse("infrastructure:labels", kwargs={"school_id": equipped["a1"].pk})
    )
    assert device.asset_tag in labels.content.decode()


def test_a_school_admin_cannot_see_or_change_another_schools_device(client_for, equipped):
    c = client_for(Role.SCHOOL_ADMIN)
    dev = equipped["b_device"]
    assert c.get(reverse("infrastructure:device_detail", kwargs={"device_id": dev.pk})).status_code == 404
    r = c.post(
        reverse("infrastructure:device_condition", kwargs={"device_id": dev.pk}), {"condition": "in_use"}
    )
    assert r.status_code == 404
    dev.refresh_from_db()
    assert dev.condition == Condition.BROKEN


def test_a_school_admin_adds_a_device_through_the_form(client_for, equipped):
    c = client_for(Role.SCHOOL_ADMIN)
    url = reverse("infrastructure:device_create", kwargs={"school_id": equipped["a1"].pk})
    r = c.post(
        url,
        {
            "category": "laptop",
            "make": "Dell",
            "model": "Latitude",
            "funding": "state",
            "condition": "in_use",
            "room": equipped["room"].pk,
        },
    )
    assert r.status_code == 302
    assert Device.objects.filter(school=equipped["a1"], category="laptop", make="Dell").exists()


def test_the_procurement_export_is_a_real_xlsx_with_safe_cells(client_for, city, equipped):
    from edudx.core.actor import Actor
    from edudx.orgs import services as orgs

    # A hostile school name must not become a formula in the export.
    orgs.unit_update(actor=Actor.system(), unit=city.schools[2].unit, name='=HYPERLINK("x")')
    r = client_for(Role.DEPT_OFFICER).get(reverse("infrastructure:gaps") + "?format=xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "Hạng" or rows[0][0] == "Rank"
    names = [row[2] for row in rows[1:]]
    assert '\'=HYPERLINK("x")' in names and len(rows) == 4


def test_only_the_department_administrator_edits_thresholds(client_for):
    assert client_for(Role.SCHOOL_ADMIN).get(reverse("infrastructure:thresholds")).status_code == 403
    c = client_for(Role.DEPT_ADMIN)
    assert c.get(reverse("infrastructure:thresholds")).status_code == 200
    c.post(reverse("infrastructure:thresholds"), {"max_pupils_per_computer": "25"})
    from edudx.infrastructure import thresholds

    assert thresholds.current()["max_pupils_per_computer"] == 25


def test_the_api_lists_devices_in_scope_and_updates_a_condition(client_for, equipped):
    c = client_for(Role.SCHOOL_ADMIN)
    data = c.get("/api/v1/infrastructure/devices?limit=2").json()
    assert len(data["items"]) == 2 and data["next_cursor"]
    rest = c.get(f"/api/v1/infrastructure/devices?cursor={data['next_cursor']}").json()
    tags = {d["asset_tag"] for d in data["items"] + rest["items"]}
    assert len(tags) == 4 and all(t.startswith(f"TB-{equipped['a1'].moet_code}") for t in tags)
    device_id = data["items"][0]["id"]
    r = c.post(
        f"/api/v1/infrastructure/devices/{device_id}/condition",
        {"condition": "needs_repair"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["condition"] == "needs_repair"
    r = c.get(f"/api/v1/infrastructure/devices/{equipped['b_device'].pk}")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_the_demo_step_equips_every_school_and_leaves_some_below_thresholds(city):
    from edudx.core.demo import DemoContext
    from edudx.infrastructure import demo, selectors

    ctx = DemoContext(scale="small")
    demo.build(ctx)
    results = selectors.readiness_for(scope=ctx.actor.scope)
    assert all(Device.objects.filter(school=s).count() > 10 for s in city.schools)
    assert all(r.inputs.download_mbps > 0 and r.inputs.teaching_rooms > 0 for r in results.values())


def test_the_dashboard_filters_by_cluster(client_for, city, equipped):
    r = client_for(Role.DEPT_OFFICER).get(
        reverse("infrastructure:dashboard") + f"?grouping={city.cluster.pk}"
    )
    body = r.content.decode()
    assert 'data-testid="infra-schools">2<' in body  # the cluster holds A1 and B1
    assert city.cluster.name in body


def test_a_school_admin_records_a_software_licence(client_for, equipped):
    from edudx.infrastructure.models import Licence

    url = reverse("infrastructure:licence_create", kwargs={"school_id": equipped["a1"].pk})
    r = client_for(Role.SCHOOL_ADMIN).post(
        url, {"name": "Microsoft 365 A1", "vendor": "Microsoft", "seats": "500", "expires_on": "2027-06-30"}
    )
    assert r.status_code == 302
    assert Licence.objects.get(school=equipped["a1"]).seats == 500
    assert client_for(Role.TEACHER).get(url).status_code == 403


def test_a_school_admin_adds_and_renames_a_room_through_the_forms(client_for, equipped):
    from edudx.core import history
    from edudx.infrastructure.models import Room

    c = client_for(Role.SCHOOL_ADMIN)
    school = equipped["a1"]
    r = c.post(
        reverse("infrastructure:room_create", kwargs={"school_id": school.pk}),
        {"code": "P102", "name": "Phòng 102", "kind": "classroom", "seats": "40", "is_active": "on"},
    )
    assert r.status_code == 302 and r["Location"] == reverse(
        "infrastructure:school", kwargs={"school_id": school.pk}
    )
    room = Room.objects.get(school=school, code="P102")
    assert (room.seats, room.is_active, room.has_internet) == (40, True, False)
    edit = reverse("infrastructure:room_edit", kwargs={"room_id": room.pk})
    assert c.get(edit).context["form"].initial["name"] == "Phòng 102"
    r = c.post(edit, {"code": "P102", "name": "Phòng Đa năng", "kind": "smart_classroom", "seats": "36"})
    assert r.status_code == 302
    room.refresh_from_db()
    # The edit is saved and recorded (the form must not change the record before the service
    # compares before and after).
    assert (room.name, room.kind, room.seats, room.is_active) == (
        "Phòng Đa năng",
        "smart_classroom",
        36,
        False,
    )
    entry = history.entries_for(room)[0]
    assert entry.operation == "room_update" and entry.changes["name"] == ["Phòng 102", "Phòng Đa năng"]


def test_a_room_code_already_used_is_refused_on_the_form(client_for, equipped):
    c = client_for(Role.SCHOOL_ADMIN)
    url = reverse("infrastructure:room_create", kwargs={"school_id": equipped["a1"].pk})
    r = c.post(url, {"code": "P101", "name": "Trùng mã", "kind": "classroom", "seats": "1"})
    assert r.status_code == 200
    form = r.context["form"]
    assert form.errors  # the service's refusal is on the form, nothing written
    from edudx.infrastructure.models import Room

    assert not Room.objects.filter(name="Trùng mã").exists()


def test_a_connection_is_added_and_edited_through_the_forms(client_for, equipped):
    from edudx.infrastructure.models import Connection

    c = client_for(Role.SCHOOL_ADMIN)
    school = equipped["a1"]
    r = c.post(
        reverse("infrastructure:connection_create", kwargs={"school_id": school.pk}),
        {"provider": "FPT", "kind": "fibre", "download_mbps": "300", "upload_mbps": "300", "wifi": "full"},
    )
    assert r.status_code == 302
    conn = Connection.objects.get(school=school, provider="FPT")
    r = c.post(
        reverse("infrastructure:connection_edit", kwargs={"connection_id": conn.pk}),
        {
            "provider": "FPT",
            "kind": "fibre",
            "download_mbps": "500",
            "upload_mbps": "300",
            "wifi": "full",
            "is_active": "on",
        },
    )
    assert r.status_code == 302
    conn.refresh_from_db()
    assert conn.download_mbps == 500


def test_another_schools_room_and_connection_forms_are_not_found(client_for, equipped):
    c = client_for(Role.SCHOOL_ADMIN)
    b_room, b_conn = equipped["b_room"], equipped["b_conn"]
    room_url = reverse("infrastructure:room_edit", kwargs={"room_id": b_room.pk})
    conn_url = reverse("infrastructure:connection_edit", kwargs={"connection_id": b_conn.pk})
    assert c.get(room_url).status_code == 404
    assert (
        c.post(room_url, {"code": "X", "name": "Hacked", "kind": "classroom", "seats": "1"}).status_code
        == 404
    )
    assert (
        c.post(
            conn_url,
            {"provider": "Hacked", "kind": "fibre", "download_mbps": "1", "upload_mbps": "1", "wifi": "none"},
        ).status_code
        == 404
    )
    b_room.refresh_from_db()
    b_conn.refresh_from_db()
    assert b_room.name != "Hacked" and b_conn.provider != "Hacked"
    # A teacher of the school may see the inventory but not change it.
    own = reverse("infrastructure:room_edit", kwargs={"room_id": equipped["room"].pk})
    assert client_for(Role.TEACHER).get(own).status_code == 403
