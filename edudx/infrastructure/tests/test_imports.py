"""The infrastructure kinds through the shared import engine."""

import csv

import pytest

from edudx.core.actor import Via
from edudx.core.history import entries_for
from edudx.core.roles import Role
from edudx.infrastructure.models import Connection, Device, Room
from edudx.ingest.engine import pipeline
from edudx.ingest.kinds import get


def write(path, headers, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        w.writerows(rows)
    return path


def run(city, role, kind, path, *, write_=True, mode="strict"):
    # As ingest.services does for a run: the import is the door, the run the source.
    actor = city.actor_of(role).with_source("import:test", via=Via.IMPORT)
    return pipeline.process(kind=get(kind), path=path, actor=actor, write=write_, mode=mode)


@pytest.fixture
def files(tmp_path, city):
    a1 = city.schools[0].moet_code
    rooms = write(
        tmp_path / "phong.csv",
        ["Mã trường", "Mã phòng", "Tên phòng", "Loại phòng", "Số chỗ ngồi", "Có Internet"],
        [
            [a1, "p101", "Phòng học 101", "Phòng học", "40", "Có"],
            [a1, "TH1", "Phòng Tin 1", "phong tin hoc", "36", "co"],
        ],
    )
    devices = write(
        tmp_path / "thiet-bi.csv",
        [
            "Ma truong",
            "Loai thiet bi",
            "Hang san xuat",
            "Model",
            "So seri",
            "Ngay dua vao su dung",
            "Nguon kinh phi",
            "Tinh trang",
            "Ma phong",
        ],
        [
            [
                a1,
                "Máy chiếu",
                "Epson",
                "EB-X51",
                "SN-001",
                "15/08/2022",
                "Ngân sách nhà nước",
                "Đang sử dụng",
                "P101",
            ],
            [a1, "may tinh de ban", "Dell", "OptiPlex", "SN-002", "2023-01-10", "xa hoi hoa", "Hỏng", "TH1"],
        ],
    )
    return {"rooms": rooms, "devices": devices, "a1": a1, "b1": city.schools[2].moet_code}


def test_rooms_then_devices_import_and_a_second_run_changes_nothing(city, files):
    out = run(city, Role.SCHOOL_ADMIN, "rooms", files["rooms"])
    assert out.written and out.counts["new"] == 2
    assert Room.objects.filter(school=city.schools[0], code="P101", has_internet=True).exists()
    out = run(city, Role.SCHOOL_ADMIN, "devices", files["devices"])
    assert out.written and out.counts["new"] == 2, out.problems
    projector = Device.objects.get(serial_number="SN-001")
    assert (
        projector.category == "projector" and projector.room.code == "P101" and projector.funding == "state"
    )
    assert projector.asset_tag == f"TB-{files['a1']}-00001"
    assert Device.objects.get(serial_number="SN-002").condition == "broken"
    assert entries_for(projector)[0].via == "import"
    again = run(city, Role.SCHOOL_ADMIN, "devices", files["devices"])
    assert again.counts["unchanged"] == 2 and again.counts["new"] == 0 and Device.objects.count() == 2


def test_a_changed_condition_is_an_update_with_history(city, files, tmp_path):
    run(city, Role.SCHOOL_ADMIN, "rooms", files["rooms"])
    run(city, Role.SCHOOL_ADMIN, "devices", files["devices"])
    tag = Device.objects.get(serial_number="SN-001").asset_tag
    path = write(
        tmp_path / "sua.csv",
        ["Mã trường", "Mã tài sản", "Loại thiết bị", "Tình trạng"],
        [[files["a1"], tag, "Máy chiếu", "Cần sửa chữa"]],
    )
    out = run(city, Role.SCHOOL_ADMIN, "devices", path)
    assert out.counts["changed"] == 1
    d = Device.objects.get(asset_tag=tag)
    assert d.condition == "needs_repair"
    assert entries_for(d)[0].changes["condition"] == ["in_use", "needs_repair"]


def test_rows_of_another_school_and_unknown_rooms_are_refused_and_strict_mode_writes_nothing(
    city, files, tmp_path
):
    path = write(
        tmp_path / "x.csv",
        ["Mã trường", "Loại thiết bị", "Mã phòng", "Số sê-ri"],
        [
            [files["a1"], "Máy in", "", "OK-1"],
            [files["b1"], "Máy in", "", "B-1"],
            [files["a1"], "Laptop", "NOPE", "A-2"],
        ],
    )
    out = run(city, Role.SCHOOL_ADMIN, "devices", path)
    found = {(p.row, p.code) for p in out.problems.sorted()}
    assert (3, "school_out_of_scope") in found and (4, "room_not_found") in found
    assert not out.written and Device.objects.count() == 0
    partial = run(city, Role.SCHOOL_ADMIN, "devices", path, mode="partial")
    assert partial.written and list(Device.objects.values_list("serial_number", flat=True)) == ["OK-1"]


def test_connections_import_with_bandwidth_checks(city, files, tmp_path):
    path = write(
        tmp_path / "mang.csv",
        [
            "Mã trường",
            "Nhà cung cấp",
            "Loại đường truyền",
            "Tốc độ tải xuống (Mbps)",
            "Tốc độ tải lên (Mbps)",
            "Phủ sóng Wi-Fi",
        ],
        [
            [files["a1"], "VNPT", "Cáp quang", "300", "150", "Toàn trường"],
            [files["a1"], "Viettel", "4G", "0", "10", "Không có"],
        ],
    )
    out = run(city, Role.SCHOOL_ADMIN, "connections", path, mode="partial")
    assert {(p.row, p.code) for p in out.problems.sorted()} >= {(3, "bandwidth_out_of_range")}
    conn = Connection.objects.get()
    assert (conn.provider, conn.kind, conn.download_mbps, conn.wifi) == ("VNPT", "fibre", 300, "full")
