"""A principal's first import, in Chromium: download the pupil template, fill it (one new
grade-1 pupil without a MOET code or personal ID, one pupil with an impossible date of birth),
upload it, see the error on the right row and column, commit the valid pupil in partial mode,
correct the file, upload it again and commit it in strict mode."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from edudx.core.testing.city import PASSWORD

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("EDUDX_SCREENSHOTS", "/tmp/s3/shots"))
LAN = "Đỗ Ngọc Lan"  # new grade-1 pupil, no code, no personal ID
KHOA = "Vũ Minh Khoa"  # the one with the impossible date of birth


def _primary_school(city):
    """A primary school of ward A with a grade-1 class, and its principal."""
    from edudx.accounts import services as accounts
    from edudx.core.actor import Actor
    from edudx.core.roles import Role
    from edudx.registry import services as registry

    a = Actor.system(source="test")
    school = registry.school_register(
        actor=a,
        parent=city.wards[0],
        moet_code="79000301",
        name="Trường Tiểu học Thử PA3",
        data={"level": "TH", "ownership": "cong_lap", "address": "3 Đường Số 1"},
    )
    registry.class_create(actor=a, school=school, year=city.year, grade=1, name="1A1")
    principal = accounts.user_create(
        actor=a, username="t_hieu_truong", full_name="Hiệu trưởng Thử", password=PASSWORD
    )
    accounts.membership_grant(actor=a, user=principal, role=Role.SCHOOL_ADMIN, unit=school.unit)
    return school


def _fill(template: Path, out: Path, school_code: str, khoa_dob: str) -> Path:
    wb = load_workbook(template)
    ws = wb["Mẫu"]
    col = {str(c.value): c.column for c in ws[1] if c.value}
    example = {h: ws.cell(row=2, column=i).value for h, i in col.items()}
    pupils = [
        {"Họ và tên": LAN, "Ngày sinh": "12/05/2019", "Giới tính": "Nữ"},
        {"Họ và tên": KHOA, "Ngày sinh": khoa_dob, "Giới tính": "Nam"},
    ]
    for r, pupil in enumerate(pupils, start=2):
        values = {
            **example,
            "Mã trường": school_code,
            "Lớp": "1A1",
            "Năm học": "2025-2026",
            "Mã học sinh": None,
            "Số định danh cá nhân": None,
            **pupil,
        }
        for header, i in col.items():
            ws.cell(row=r, column=i).value = values.get(header)  # cell(value=None) would keep the example
    wb.save(out)
    return out


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")


def _upload(page, live_server, path: Path) -> None:
    page.goto(f"{live_server.url}/ingest/upload/")
    page.select_option("#id_kind", "students")
    page.set_input_files("#id_file", str(path))
    page.get_by_label("Nghiêm ngặt").check()
    page.get_by_test_id("upload").click()
    page.wait_for_url(re.compile(r"/ingest/runs/\d+/$"))


def _shots(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.django_db(transaction=True)
def test_a_principals_first_import(page, live_server, city, tmp_path):
    from edudx.registry.models import Student

    school = _primary_school(city)
    _login(page, live_server, "t_hieu_truong")

    # 1. the template, from the upload page
    page.goto(f"{live_server.url}/ingest/upload/")
    with page.expect_download() as download:
        page.get_by_test_id("template-students").click()
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    assert template.name == "mau-students.xlsx"

    # 2. filled: Lan is fine, Khoa was born on 31 February
    first = _fill(template, tmp_path / "hoc-sinh-lop-1.xlsx", school.moet_code, "31/02/2019")
    _upload(page, live_server, first)
    expect(page.get_by_test_id("state")).to_have_text("Đã kiểm tra")
    expect(page.get_by_test_id("count-new")).to_have_text("1")
    expect(page.get_by_test_id("count-rejected")).to_have_text("1")

    # 3. the error where it is: row 3 (Khoa's), column "Ngày sinh", in words. Every error is
    # on Khoa's row (without a valid date, his row has no pupil key either: key_missing).
    errors = page.get_by_test_id("problems").locator("tbody tr.table-danger")
    expect(errors.first).to_be_visible()
    assert set(errors.evaluate_all("rows => rows.map(r => r.dataset.row)")) == {"3"}
    date_error = errors.filter(has=page.locator("td:nth-child(2)", has_text="Ngày sinh"))
    expect(date_error).to_have_count(1)
    cells = date_error.locator("td")
    expect(cells.nth(0)).to_have_text("3")
    expect(cells.nth(2)).to_have_text("Lỗi")
    expect(cells.nth(3)).to_contain_text("Ngày không hợp lệ")
    expect(cells.nth(3)).to_contain_text("mã: date_invalid")
    assert not re.search(r"\b(error|warning|True|False)\b", page.get_by_test_id("problems").inner_text())
    # the choice is offered as two radio buttons; with an error in the file, partial comes first
    expect(page.get_by_role("group", name="Cách ghi dữ liệu")).to_be_visible()
    expect(page.get_by_role("radio", name="Từng phần")).to_be_checked()
    expect(page.get_by_test_id("commit")).to_be_enabled()
    _shots(page, "first-import-checked")

    # 4. commit in part: Lan is written, Khoa's row is not
    page.get_by_test_id("commit").click()
    expect(page.get_by_test_id("state")).to_have_text("Đã ghi")
    assert list(Student.objects.filter(school=school).values_list("full_name", flat=True)) == [LAN]

    # 5. Khoa's date corrected; the same file again, in strict mode: Lan is already there
    fixed = _fill(template, tmp_path / "hoc-sinh-lop-1-da-sua.xlsx", school.moet_code, "28/02/2019")
    _upload(page, live_server, fixed)
    expect(page.get_by_test_id("state")).to_have_text("Đã kiểm tra")
    expect(page.get_by_test_id("count-new")).to_have_text("1")
    expect(page.get_by_test_id("count-unchanged")).to_have_text("1")
    expect(page.get_by_test_id("count-rejected")).to_have_text("0")
    expect(page.get_by_test_id("problems").locator("tbody tr.table-danger")).to_have_count(0)
    expect(page.get_by_role("radio", name="Nghiêm ngặt")).to_be_checked()
    page.get_by_test_id("commit").click()
    expect(page.get_by_test_id("state")).to_have_text("Đã ghi")
    _shots(page, "first-import-committed")

    pupils = Student.objects.filter(school=school)
    assert {(s.full_name, s.date_of_birth, s.moet_code) for s in pupils} == {
        (LAN, dt.date(2019, 5, 12), None),
        (KHOA, dt.date(2019, 2, 28), None),
    }
    # the list names both runs in words
    page.goto(f"{live_server.url}/ingest/")
    expect(page.get_by_test_id("state")).to_have_text(["Đã ghi", "Đã ghi"])
    _shots(page, "first-import-list")
