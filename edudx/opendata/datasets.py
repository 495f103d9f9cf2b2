"""The datasets the department may publish: what each counts and its data dictionary.

Each dataset builds a Polars frame from the modules' selectors, over the whole city (only the
department publishes). Counts of pupils go through `suppression` first: no published count is
under the threshold, and none can be worked out from the totals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
from django.utils.translation import gettext_lazy as _

from edudx.core.rules.levels import Level, Ownership
from edudx.core.scope import Scope
from edudx.core.text import vn_sort_key
from edudx.infrastructure import selectors as infrastructure
from edudx.registry import selectors as registry

from .suppression import CountTable, Suppressed, suppress

CITY = "Toàn thành phố"  # the totals row's ward (a value in the data, not an interface label)
TOTAL = "Tổng"


# The CSVW datatypes the dictionary uses, as the dataset page names them.
TYPE_LABELS = {
    "string": _("text"),
    "integer": _("whole number"),
    "decimal": _("decimal number"),
    "boolean": _("true or false"),
}


@dataclass(frozen=True)
class Column:
    name: str  # the column's name in the file (ASCII, stable)
    label: str  # its Vietnamese title
    type: str  # CSVW datatype: string, integer, decimal, boolean
    description: str

    @property
    def type_label(self) -> object:
        return TYPE_LABELS[self.type]


@dataclass
class Built:
    frame: pl.DataFrame
    suppressed: Suppressed | None = None


@dataclass(frozen=True)
class Dataset:
    code: str
    title: object  # lazy text
    description: object
    keywords: tuple[str, ...]
    columns: tuple[Column, ...]
    build: Callable[[Scope, int], Built]


def protection(threshold: int) -> int:
    """How wide the range a reader can work out for a hidden small count must be: half the
    threshold (10 → a hidden 3 could be anything over at least five values)."""
    return max(1, threshold // 2)


def _schools(scope: Scope) -> list[dict]:
    ids = list(registry.school_ids_in_scope(scope=scope))
    rows = registry.school_summaries(ids)
    rows.sort(key=lambda r: (vn_sort_key(r["area"] or ""), vn_sort_key(r["name"]), r["moet_code"]))
    return rows


def build_schools(scope: Scope, threshold: int) -> Built:
    levels, ownerships = dict(Level.choices), dict(Ownership.choices)
    rows = _schools(scope)
    frame = pl.DataFrame(
        {
            "ma_truong": [r["moet_code"] for r in rows],
            "ten_truong": [r["name"] for r in rows],
            "cap_hoc": [str(levels.get(r["level"], r["level"])) for r in rows],
            "loai_hinh": [str(ownerships.get(r["ownership"], r["ownership"])) for r in rows],
            "phuong_xa": [r["area"] or "" for r in rows],
        },
        schema=dict.fromkeys(("ma_truong", "ten_truong", "cap_hoc", "loai_hinh", "phuong_xa"), pl.String),
    )
    return Built(frame)


def build_pupils_by_ward_grade(scope: Scope, threshold: int) -> Built:
    schools = _schools(scope)
    figures = registry.figures_per_school([r["id"] for r in schools])
    wards: dict[str, dict[str, int]] = {}
    grades: set[str] = set()
    for r in schools:
        per_grade = figures.get(r["id"], {}).get("grade", {})
        ward = wards.setdefault(r["area"] or "", {})
        for grade, n in per_grade.items():
            ward[grade] = ward.get(grade, 0) + n
            grades.add(grade)
    cols = sorted(grades, key=lambda g: (len(g), g))
    names = sorted(wards, key=vn_sort_key)
    table = CountTable(names, cols, [[wards[w].get(g, 0) for g in cols] for w in names])
    hidden = suppress(table, threshold, protection(threshold))
    out: dict[str, list] = {"phuong_xa": [], "khoi_lop": [], "so_hoc_sinh": [], "an_so_lieu": []}
    n, m = table.shape
    for i in range(n + 1):
        for j in range(m + 1):
            value = hidden.published((i, j))
            out["phuong_xa"].append(names[i] if i < n else CITY)
            out["khoi_lop"].append(cols[j] if j < m else TOTAL)
            out["so_hoc_sinh"].append(value)
            out["an_so_lieu"].append(value is None)
    frame = pl.DataFrame(
        out,
        schema={
            "phuong_xa": pl.String,
            "khoi_lop": pl.String,
            "so_hoc_sinh": pl.Int64,
            "an_so_lieu": pl.Boolean,
        },
    )
    return Built(frame, hidden)


def build_readiness(scope: Scope, threshold: int) -> Built:
    rows = _schools(scope)
    results, _as_of = infrastructure.readiness_figures(scope=scope)
    keys = ("pupils_per_computer", "presentation_share", "kbps_per_pupil", "lab_ratio", "broken_share")
    data: dict[str, list] = {"ma_truong": [], "ten_truong": [], "phuong_xa": [], "diem_san_sang": []}
    data.update({k: [] for k in keys})
    for r in rows:
        res = results.get(r["id"])
        if res is None:
            continue
        data["ma_truong"].append(r["moet_code"])
        data["ten_truong"].append(r["name"])
        data["phuong_xa"].append(r["area"] or "")
        data["diem_san_sang"].append(round(res.score, 3))
        for k in keys:
            v = getattr(res, k)
            data[k].append(None if v is None else round(float(v), 3))
    schema: dict[str, type[pl.DataType]] = {
        "ma_truong": pl.String,
        "ten_truong": pl.String,
        "phuong_xa": pl.String,
    }
    schema.update(dict.fromkeys(("diem_san_sang", *keys), pl.Float64))
    return Built(pl.DataFrame(data, schema=schema))


_SCHOOL = Column("ma_truong", "Mã trường", "string", "Mã trường theo cơ sở dữ liệu ngành")
_NAME = Column("ten_truong", "Tên trường", "string", "Tên trường")
_WARD = Column("phuong_xa", "Phường/xã", "string", "Phường, xã hoặc đặc khu nơi trường đặt trụ sở")

DATASETS: dict[str, Dataset] = {
    d.code: d
    for d in (
        Dataset(
            code="truong-hoc",
            title=_("Schools"),
            description=_("Every school of the city with its level, ownership and ward."),
            keywords=("trường học", "cấp học", "phường xã"),
            columns=(
                _SCHOOL,
                _NAME,
                Column("cap_hoc", "Cấp học", "string", "Cấp học của trường"),
                Column("loai_hinh", "Loại hình", "string", "Công lập, tư thục hoặc dân lập"),
                _WARD,
            ),
            build=build_schools,
        ),
        Dataset(
            code="hoc-sinh-theo-phuong-khoi",
            title=_("Pupils by ward and grade"),
            description=_(
                "Pupils enrolled this school year by ward and grade, with totals. Small counts are "
                "hidden, and so are the counts that would reveal them."
            ),
            keywords=("học sinh", "khối lớp", "phường xã", "năm học"),
            columns=(
                Column("phuong_xa", "Phường/xã", "string", f"Phường/xã; dòng tổng: «{CITY}»"),
                Column("khoi_lop", "Khối lớp", "string", f"Khối lớp (0 là mầm non); cột tổng: «{TOTAL}»"),
                Column(
                    "so_hoc_sinh",
                    "Số học sinh",
                    "integer",
                    "Số học sinh đang học; để trống khi số liệu được ẩn để bảo vệ dữ liệu cá nhân",
                ),
                Column("an_so_lieu", "Số liệu được ẩn", "boolean", "true khi số học sinh được ẩn"),
            ),
            build=build_pupils_by_ward_grade,
        ),
        Dataset(
            code="san-sang-ha-tang",
            title=_("ICT readiness of schools"),
            description=_(
                "Each school's ICT readiness score and its indicators (computers, displays, Internet)."
            ),
            keywords=("hạ tầng", "công nghệ thông tin", "chuyển đổi số"),
            columns=(
                _SCHOOL,
                _NAME,
                _WARD,
                Column("diem_san_sang", "Điểm sẵn sàng", "decimal", "0 (thấp nhất) đến 1 (đạt mọi ngưỡng)"),
                Column(
                    "pupils_per_computer",
                    "Học sinh trên một máy tính",
                    "decimal",
                    "Số học sinh trên một máy tính đang dùng",
                ),
                Column(
                    "presentation_share",
                    "Tỉ lệ phòng học có màn hình",
                    "decimal",
                    "Tỉ lệ phòng học có thiết bị trình chiếu và Internet",
                ),
                Column(
                    "kbps_per_pupil",
                    "Băng thông trên học sinh (kbps)",
                    "decimal",
                    "Tốc độ tải xuống chia cho số học sinh",
                ),
                Column(
                    "lab_ratio", "Tỉ lệ phòng tin học", "decimal", "Phòng tin học so với số lớp học Tin học"
                ),
                Column(
                    "broken_share",
                    "Tỉ lệ thiết bị hỏng",
                    "decimal",
                    "Thiết bị hỏng hoặc cần sửa trên tổng thiết bị",
                ),
            ),
            build=build_readiness,
        ),
    )
}
