"""The unit-tree import: idempotent by code, renames and moves recorded, the tree's rules as
coded Vietnamese refusals, nothing half-written, and the scope gate for every row."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from django.utils import translation

from edudx.accounts import services as accounts
from edudx.core.actor import Actor, Via
from edudx.core.history import entries_for
from edudx.core.roles import Role
from edudx.ingest import kinds as ingest_kinds
from edudx.ingest.engine import pipeline
from edudx.orgs.imports import unit_kind_code
from edudx.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db

HEADER = "Mã đơn vị,Tên đơn vị,Loại đơn vị,Mã đơn vị cấp trên\n"
TREE = HEADER + (
    "SGD79,Sở Giáo dục và Đào tạo TP. Hồ Chí Minh,Sở GD-ĐT,\n"
    "79P001,Phường Sài Gòn,Phường,SGD79\n"
    "79X001,Xã Bình Chánh,Xã,SGD79\n"
    "79DK01,Đặc khu Côn Đảo,Đặc khu,SGD79\n"
    "79PB01,Phòng Tổ chức,Phòng/Ban,79P001\n"
)


def _file(tmp_path: Path, text: str, name: str = "units.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _run(path: Path, actor: Actor | None = None, *, write: bool = True, mode: str = pipeline.STRICT):
    actor = actor or Actor.system(via=Via.IMPORT, source="import:test")
    with translation.override("vi"):
        return pipeline.process(
            kind=ingest_kinds.get("units"), path=path, actor=actor, write=write, mode=mode
        )


def _codes(outcome) -> set[str]:
    return {p.code for p in outcome.problems.items}


def _tree() -> dict[str, tuple[str, str, str | None]]:
    return {u.code: (u.name, u.kind, u.parent.code if u.parent else None) for u in OrgUnit.objects.all()}


def test_kinds_of_the_sector_are_read_with_or_without_accents():
    assert unit_kind_code("Sở GD-ĐT") == "department"
    assert unit_kind_code("So Giao duc va Dao tao") == "department"
    assert unit_kind_code("PHƯỜNG") == "ward"
    assert unit_kind_code("xa") == "commune"
    assert unit_kind_code("Đặc khu") == "special_zone"
    assert unit_kind_code("special_zone") == "special_zone"
    assert unit_kind_code("Huyện") is None  # districts no longer exist (1 July 2025)


def test_an_empty_database_takes_the_tree_and_the_same_file_again_changes_nothing(tmp_path):
    path = _file(tmp_path, TREE)
    first = _run(path)
    assert first.written and first.counts["new"] == 5 and not first.problems.has_errors
    assert _tree() == {
        "SGD79": ("Sở Giáo dục và Đào tạo TP. Hồ Chí Minh", "department", None),
        "79P001": ("Phường Sài Gòn", "ward", "SGD79"),
        "79X001": ("Xã Bình Chánh", "commune", "SGD79"),
        "79DK01": ("Đặc khu Côn Đảo", "special_zone", "SGD79"),
        "79PB01": ("Phòng Tổ chức", "office", "79P001"),
    }
    office = OrgUnit.objects.get(code="79PB01")
    assert office.path.startswith(OrgUnit.objects.get(code="79P001").path) and office.depth == 2
    again = _run(path)
    assert again.counts == {"total": 5, "new": 0, "changed": 0, "unchanged": 5, "rejected": 0}
    assert _tree()["79PB01"] == ("Phòng Tổ chức", "office", "79P001")


def test_a_child_before_its_parent_in_the_file_is_placed_under_it(tmp_path):
    lines = TREE.splitlines()
    reversed_file = "\n".join([lines[0], *reversed(lines[1:])]) + "\n"
    assert _run(_file(tmp_path, reversed_file)).counts["new"] == 5
    assert _tree()["79PB01"][2] == "79P001"


def test_a_new_name_is_a_rename_and_a_new_parent_a_move_both_in_history(tmp_path):
    _run(_file(tmp_path, TREE))
    office = OrgUnit.objects.get(code="79PB01")
    changed = TREE.replace(
        "79PB01,Phòng Tổ chức,Phòng/Ban,79P001", "79PB01,Phòng Tổ chức Cán bộ,Phòng/Ban,79X001"
    )
    done = _run(_file(tmp_path, changed, "changed.csv"))
    assert done.counts["changed"] == 1 and done.counts["unchanged"] == 4
    office.refresh_from_db()
    commune = OrgUnit.objects.get(code="79X001")
    assert office.name == "Phòng Tổ chức Cán bộ" and office.parent_id == commune.pk
    assert office.path == commune.path + str(office.pk).zfill(7)
    actions = {e.action: e for e in entries_for(office)}
    assert actions["update"].changes == {"name": ["Phòng Tổ chức", "Phòng Tổ chức Cán bộ"]}
    assert actions["move"].changes == {"parent": [OrgUnit.objects.get(code="79P001").pk, commune.pk]}
    assert actions["move"].source == "import:test" and actions["move"].via == Via.IMPORT


def test_a_move_rewrites_the_subtree_and_the_paths_other_records_keep(tmp_path, city):
    """HCMC 2025: a school's ward is merged into another; its records follow it in the tree."""
    from edudx.ingest.models import ImportRun

    ward_a, ward_b = city.wards
    school = city.schools[0].unit
    run = ImportRun.objects.create(kind="units", file_name="x.csv", unit_path=school.path)
    rows = HEADER + f"{ward_a.code},{ward_a.name},Phường,{ward_b.code}\n"
    assert _run(_file(tmp_path, rows)).counts["changed"] == 1
    ward_a.refresh_from_db()
    school.refresh_from_db()
    assert ward_a.path.startswith(ward_b.path) and school.path.startswith(ward_a.path)
    assert school.depth == 3
    run.refresh_from_db()
    assert run.unit_path == school.path


def test_swapping_two_units_in_one_file_is_done_parent_first(tmp_path):
    _run(_file(tmp_path, TREE))
    # 79PB01 was under 79P001; now 79P001 goes under 79PB01, which goes under the department.
    swap = HEADER + "79P001,Phường Sài Gòn,Phường,79PB01\n79PB01,Phòng Tổ chức,Phòng/Ban,SGD79\n"
    done = _run(_file(tmp_path, swap, "swap.csv"))
    assert done.written and done.counts["changed"] == 2, [p.as_dict() for p in done.problems.items]
    assert _tree()["79P001"][2] == "79PB01" and _tree()["79PB01"][2] == "SGD79"


@pytest.mark.parametrize(
    ("rows", "code"),
    [
        ("X1,Xã Một,Xã,X2\nX2,Xã Hai,Xã,X1\n", "unit_cycle"),
        ("X1,Xã Một,Xã,X1\n", "unit_cycle"),
        ("79P001,Phường Sài Gòn,Phường,79PB01\n", "unit_cycle"),  # under its own child
        ("X1,Xã Một,Xã,KHONGCO\n", "parent_not_found"),
        ("X1,Xã Một,Huyện,SGD79\n", "kind_unknown"),
        ("X1,Trường Một,Trường,SGD79\n", "unit_kind_school"),
        ("79P001,Phường Sài Gòn,Xã,SGD79\n", "unit_kind_mismatch"),
        ("79P001,Phường Sài Gòn,Phường,\n", "parent_required"),
        ("X1,Xã Một,Xã,SGD79\nX1,Xã Một Bis,Xã,SGD79\n", "duplicate_in_file"),
        ("X1,Xã Một,Xã,X2\nX2,Xã Hai,Huyện,SGD79\n", "parent_row_rejected"),
    ],
)
def test_a_wrong_tree_is_refused_with_its_code_and_nothing_is_written(tmp_path, rows, code):
    _run(_file(tmp_path, TREE))
    before = _tree()
    done = _run(_file(tmp_path, HEADER + rows + "X9,Xã Chín,Xã,SGD79\n", "bad.csv"))
    assert code in _codes(done), [p.as_dict() for p in done.problems.items]
    assert not done.written and _tree() == before
    message = next(p.message for p in done.problems.items if p.code == code)
    assert message and str(message) != code


def test_partial_mode_writes_the_good_rows_and_none_under_a_refused_parent(tmp_path):
    _run(_file(tmp_path, TREE))
    rows = HEADER + "X1,Xã Một,Xã,X2\nX2,Xã Hai,Huyện,SGD79\nX3,Xã Ba,Xã,SGD79\n"
    done = _run(_file(tmp_path, rows, "partial.csv"), mode=pipeline.PARTIAL)
    assert done.written and done.counts["new"] == 1 and done.counts["rejected"] == 2
    assert "X3" in _tree() and "X1" not in _tree() and "X2" not in _tree()


def test_a_school_code_is_not_a_unit_of_the_tree(tmp_path, city):
    school = city.schools[0]
    rows = HEADER + f"{school.moet_code},Trường Khác,Phường,{city.dept.code}\n"
    done = _run(_file(tmp_path, rows))
    assert "unit_is_school" in _codes(done) and not done.written
    rows = HEADER + f"X1,Phòng Trong Trường,Phòng/Ban,{school.moet_code}\n"
    assert "parent_is_school" in _codes(_run(_file(tmp_path, rows, "under.csv")))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "cp1258"])
def test_csv_in_the_encodings_offices_save(tmp_path, encoding):
    path = tmp_path / "units.csv"
    path.write_bytes(_cp1258(TREE) if encoding == "cp1258" else TREE.encode(encoding))
    done = _run(path)
    assert done.counts["new"] == 5, [p.as_dict() for p in done.problems.items]
    assert _tree()["79X001"][0] == "Xã Bình Chánh"
    assert _tree()["SGD79"][0] == "Sở Giáo dục và Đào tạo TP. Hồ Chí Minh"


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: a vowel letter (â, ơ…) then a combining tone."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            marks = unicodedata.normalize("NFD", ch)
            letter = unicodedata.normalize("NFC", "".join(m for m in marks if m not in tones))
            out.append((letter + "".join(m for m in marks if m in tones)).encode("cp1258"))
    return b"".join(out)


def test_a_file_past_the_row_limit_is_refused_with_one_problem_and_nothing_is_written(tmp_path):
    from edudx.orgs import imports

    rows = [f"H{i:06d},Đơn vị {i},Phòng/Ban,SGD79" for i in range(imports.MAX_ROWS + 5)]
    path = _file(tmp_path, TREE + "\n".join(rows) + "\n", "huge.csv")
    assert path.stat().st_size > 700_000
    done = _run(path)
    (too_many,) = [p for p in done.problems.items if p.code == "units_too_many"]
    assert too_many.row == imports.MAX_ROWS + 2 and "20000" in str(too_many.message)
    assert done.counts["rejected"] == 10 and not done.written
    assert OrgUnit.objects.count() == 0


# ----- the scope gate: a ward's administrator, a ward officer, the department
@pytest.fixture
def ward_admin(city):
    """A department-administrator role held on ward A only: their part of the tree is ward A."""
    system = Actor.system(source="test")
    user = accounts.user_create(actor=system, username="ward_a_admin", full_name="Quản trị Phường A",
                                password="Edudx-test-2025!")  # fmt: skip
    accounts.membership_grant(actor=system, user=user, role=Role.DEPT_ADMIN, unit=city.wards[0])
    return Actor(user=user, scope=accounts.scope_for_user(user), via=Via.IMPORT, source="import:t")


def test_a_ward_administrator_adds_units_in_their_ward_only(tmp_path, city, ward_admin):
    ward_a, ward_b = city.wards
    before = _tree()
    rows = HEADER + (
        f"A-OFF,Phòng Văn hóa A,Phòng/Ban,{ward_a.code}\n"
        f"B-OFF,Phòng Văn hóa B,Phòng/Ban,{ward_b.code}\n"  # outside their subtree
        f"NEWTOP,Sở Khác,Sở GD-ĐT,\n"  # a top-level unit
        f"{ward_a.code},{ward_a.name},Phường,{ward_b.code}\n"  # their ward moved under ward B
        f"{ward_b.code},Phường Đổi Tên,Phường,{city.dept.code}\n"  # ward B renamed
    )
    done = _run(_file(tmp_path, rows), ward_admin, mode=pipeline.PARTIAL)
    by_row = {p.row: p.code for p in done.problems.items}
    assert by_row == {
        3: "school_out_of_scope",
        4: "top_level_not_allowed",
        5: "school_out_of_scope",
        6: "school_out_of_scope",
    }, [p.as_dict() for p in done.problems.items]
    after = _tree()
    assert after.pop("A-OFF") == ("Phòng Văn hóa A", "office", ward_a.code)
    assert after == before


def test_only_the_department_administrator_may_add_a_top_level_unit(tmp_path, city):
    rows = HEADER + "NEWTOP,Sở Khác,Sở GD-ĐT,\n"
    officer = city.actor_of(Role.DEPT_OFFICER)
    assert _codes(_run(_file(tmp_path, rows), officer)) == {
        "school_out_of_scope"
    } or "top_level_not_allowed" in (_codes(_run(_file(tmp_path, rows), officer)))
    assert "NEWTOP" not in _tree()
    done = _run(_file(tmp_path, rows), city.actor_of(Role.DEPT_ADMIN))
    assert done.written and _tree()["NEWTOP"] == ("Sở Khác", "department", None)


def test_a_ward_officer_changes_nothing_of_the_tree(tmp_path, city):
    ward_a = city.wards[0]
    rows = HEADER + f"A-OFF,Phòng A,Phòng/Ban,{ward_a.code}\n{ward_a.code},Đổi Tên,Phường,{city.dept.code}\n"
    before = _tree()
    done = _run(_file(tmp_path, rows), city.actor_of(Role.WARD_OFFICER), mode=pipeline.PARTIAL)
    assert done.counts["rejected"] == 2 and _tree() == before


@pytest.mark.parametrize(
    ("name", "content", "state", "code"),
    [
        ("cycle.csv", (HEADER + "X1,Xã Một,Xã,X2\nX2,Xã Hai,Xã,X1\n").encode(), "checked", "unit_cycle"),
        ("utf16.csv", (HEADER + "X1,Xã Một,Xã,PA\n").encode("utf-16"), "checked", None),
        ("junk.csv", b"\x00\xff" * 5000, "failed", None),
    ],
)
def test_the_web_upload_takes_a_unit_file_and_never_fails_on_one(
    city, client_for, name, content, state, code
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from edudx.ingest.models import ImportRun

    c = client_for(Role.DEPT_ADMIN)
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    resp = c.post(
        reverse("ingest:upload"), {"kind": "units", "file": upload, "mode": "strict", "language": "vi"}
    )
    assert resp.status_code == 302
    run = ImportRun.objects.get()
    assert run.state == state, run.report.get("problems", [])[:3]
    page = c.get(reverse("ingest:run_detail", kwargs={"run_id": run.pk}))
    assert page.status_code == 200
    if code:
        assert code in {p["code"] for p in run.report["problems"]}
        assert "vòng lặp" in page.content.decode()
    if state == "checked":
        assert (
            c.post(reverse("ingest:run_commit", kwargs={"run_id": run.pk}), {"mode": "strict"}).status_code
            < 500
        )
        written = OrgUnit.objects.filter(code="X1").first()
        assert (written.parent if written else None) == (None if code else city.wards[0])


def test_hcmc_after_the_2025_reorganisation_168_wards_communes_and_special_zones(tmp_path):
    """The city's unit file as `edudx generate --scale city` writes it: the department and its
    113 wards, 54 communes and one special zone, in one import; the same file again changes nothing."""
    from edudx.registry.demo import city, export

    plan = city.plan("city")
    lines = [f"{city.DEPARTMENT_CODE},{city.DEPARTMENT_NAME},{export.UNIT_KIND_LABEL['department']},"]
    lines += [
        f"{a.code},{a.name},{export.UNIT_KIND_LABEL[a.kind]},{city.DEPARTMENT_CODE}" for a in plan.areas
    ]
    path = _file(tmp_path, HEADER + "\n".join(lines) + "\n", "hcmc.csv")
    assert _run(path).counts["new"] == 169
    kinds = [u.kind for u in OrgUnit.objects.filter(parent__code=city.DEPARTMENT_CODE)]
    assert (kinds.count("ward"), kinds.count("commune"), kinds.count("special_zone")) == (113, 54, 1)
    assert _run(path).counts["unchanged"] == 169
