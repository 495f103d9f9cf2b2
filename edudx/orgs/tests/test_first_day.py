"""A department's first day, walked from an EMPTY database with the files `edudx generate`
writes: setup (department, administrator, unit tree, school year) → schools → staff → pupils.
Every file goes in whole (nothing refused) and the counts are the files' counts. Runs on SQLite
and PostgreSQL alike (DATABASE_URL)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from edudx.accounts.models import User
from edudx.core.roles import Role
from edudx.ingest.models import ImportRun
from edudx.orgs.models import OrgUnit
from edudx.registry.models import School, SchoolYear, Staff, Student

pytestmark = pytest.mark.django_db(transaction=False)
PASSWORD = "Edudx-first-day-2026!"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def files(tmp_path) -> Path:
    out = tmp_path / "city"
    call_command("generate", "--scale", "tiny", "--out", str(out), "--no-xlsx", stdout=io.StringIO())
    (tmp_path / "pw.txt").write_text(PASSWORD + "\n", encoding="utf-8")
    return out


def _setup(files: Path, *extra: str) -> str:
    year = _rows(files / "students.csv")[0]["Năm học"]
    first = int(year[:4])
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "setup", "--no-input", "--department-code", "SGDDT79", "--department-name", "Sở Giáo dục và Đào tạo TP. Hồ Chí Minh",
        "--admin-username", "admin", "--admin-email", "admin@example.vn",
        "--admin-password-file", str(files.parent / "pw.txt"), "--units", str(files / "units.csv"),
        "--school-year", year, "--start", f"{first}-09-05", "--end", f"{first + 1}-05-31", *extra,
        stdout=out, stderr=err,
    )  # fmt: skip
    text = out.getvalue() + err.getvalue()
    assert PASSWORD not in text
    return text


def _import(kind: str, path: Path) -> ImportRun:
    call_command("import", kind, str(path), stdout=io.StringIO(), stderr=io.StringIO())
    return ImportRun.objects.filter(kind=kind).latest("pk")


def test_from_an_empty_database_to_a_loaded_city(files):
    assert not OrgUnit.objects.exists() and not SchoolYear.objects.exists() and not User.objects.exists()
    text = _setup(files)
    units = _rows(files / "units.csv")
    assert "[3/4 units] units.csv: committed" in text
    assert "edudx template schools --out schools.xlsx" in text
    assert text.index("import schools") < text.index("import staff") < text.index("import students")
    # The department, then every ward/commune of the file under it, with its kind.
    tree = {
        u.code: (u.kind, u.parent.code if u.parent else None)
        for u in OrgUnit.objects.select_related("parent")
    }
    assert len(tree) == len(units)
    assert tree["SGDDT79"] == ("department", None)
    assert all(tree[r["Mã đơn vị"]][1] == (r["Mã đơn vị cấp trên"] or None) for r in units)
    admin = User.objects.get(username="admin")
    assert admin.check_password(PASSWORD) and admin.email == "admin@example.vn"
    assert admin.memberships.get().role == Role.DEPT_ADMIN
    year = SchoolYear.objects.get()
    assert year.is_current and year.code == _rows(files / "students.csv")[0]["Năm học"]

    for kind, model in (("schools", School), ("staff", Staff), ("students", Student)):
        run = _import(kind, files / f"{kind}.csv")
        rows = len(_rows(files / f"{kind}.csv"))
        assert (run.state, run.rows_new, run.rows_rejected, run.errors) == ("committed", rows, 0, 0), (
            kind, run.report.get("problems", [])[:5],
        )  # fmt: skip
        assert model.objects.count() == rows
    # Every school hangs under the unit its row names, inside the imported tree.
    for r in _rows(files / "schools.csv"):
        assert School.objects.get(moet_code=r["Mã trường"]).unit.parent.code == r["Mã đơn vị quản lý"]


def test_setup_twice_says_what_is_there_and_changes_nothing(files):
    _setup(files)
    before = (OrgUnit.objects.count(), User.objects.count(), SchoolYear.objects.count())
    again = _setup(files)
    assert "[1/4 department] already there: SGDDT79" in again
    assert "user admin already there (password unchanged)" in again
    assert "admin already administers SGDDT79" in again
    assert "unchanged 3" in again and "new 0" in again
    assert "already there (current)" in again
    assert (OrgUnit.objects.count(), User.objects.count(), SchoolYear.objects.count()) == before


def test_after_setup_the_demo_city_is_not_loaded_beside_the_department(files):
    """`./run` runs `edudx demo --if-empty`: a unit tree without schools is not empty."""
    _setup(files)
    out = io.StringIO()
    call_command("demo", scale="tiny", if_empty=True, registry_only=True, stdout=out)
    assert "already holds a unit tree" in out.getvalue()
    assert not School.objects.exists() and OrgUnit.objects.filter(parent__isnull=True).count() == 1


def test_without_a_terminal_every_missing_answer_is_named(db):
    with pytest.raises(CommandError, match="--department-code is required"):
        call_command("setup", "--no-input", stdout=io.StringIO())
    assert not OrgUnit.objects.exists()


def test_a_refused_unit_file_stops_setup_and_writes_none_of_it(files):
    bad = files / "units.csv"
    bad.write_text(bad.read_text(encoding="utf-8-sig") + "X1,Xã Vòng,Xã,X1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="was not imported"):
        _setup(files)
    assert list(OrgUnit.objects.values_list("code", flat=True)) == ["SGDDT79"]
    assert not SchoolYear.objects.exists()


def test_on_a_terminal_setup_asks_and_never_shows_the_password(files, monkeypatch, capsys):
    answers = iter(["SGDDT79", "Sở GD-ĐT Thử", "quantri", "Nguyễn Văn Quản", "qt@example.vn", str(files / "units.csv"),
                    "2026-2027", "", ""])  # fmt: skip
    asked: list[str] = []
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt="": asked.append(prompt) or next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": PASSWORD)
    out = io.StringIO()
    call_command("setup", stdout=out, stderr=out)
    text = out.getvalue() + capsys.readouterr().out
    assert PASSWORD not in text and PASSWORD not in "".join(asked)
    assert User.objects.get(username="quantri").check_password(PASSWORD)
    year = SchoolYear.objects.get()
    assert (year.code, year.start_date.isoformat(), year.end_date.isoformat(), year.is_current) == (
        "2026-2027", "2026-09-05", "2027-05-31", True,
    )  # fmt: skip
    assert OrgUnit.objects.count() == len(_rows(files / "units.csv"))
