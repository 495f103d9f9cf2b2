"""Ingest kinds of the infrastructure inventory: devices, rooms and Internet connections.

Declared here once; the shared import engine reads, maps headers, normalises, validates,
previews, commits and reports. Headers are Vietnamese as in the template, with aliases
without accents and in English.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.rules import ERROR
from edudx.core.text import fold
from edudx.ingest import kinds as K
from edudx.registry import selectors as registry

from . import permissions as perms
from .models import Condition, Connection, Device, DeviceCategory, Funding, Room, RoomKind

INGEST_RUN = "ingest.run"


def _chooser(aliases: dict[str, str]):
    table = {fold(k): v for k, v in aliases.items()}

    def pick(value: str) -> str | None:
        return table.get(fold(value))

    return pick


CATEGORY = _chooser({
    **{c: c for c in DeviceCategory.values},
    "máy tính để bàn": "desktop", "máy tính bàn": "desktop", "pc": "desktop", "desktop computer": "desktop",
    "máy tính xách tay": "laptop", "laptop": "laptop", "máy tính bảng": "tablet", "tablet": "tablet",
    "máy chiếu": "projector", "projector": "projector", "màn hình tương tác": "display", "bảng tương tác": "display",
    "interactive display": "display", "tivi": "tv", "ti vi": "tv", "tv": "tv", "camera": "camera",
    "máy chiếu vật thể": "document_camera", "document camera": "document_camera", "máy chủ": "server",
    "thiết bị mạng": "network", "bộ phát wifi": "network", "switch": "network", "máy in": "printer", "khác": "other",
})  # fmt: skip
CATEGORY_LABELS = (
    "Máy tính để bàn",
    "Máy tính xách tay",
    "Máy tính bảng",
    "Máy chiếu",
    "Màn hình tương tác",
    "Tivi",
    "Camera",
    "Máy chiếu vật thể",
    "Máy chủ",
    "Thiết bị mạng",
    "Máy in",
    "Khác",
)
CONDITION = _chooser({
    **{c: c for c in Condition.values},
    "đang sử dụng": "in_use", "tốt": "in_use", "in use": "in_use", "cần sửa chữa": "needs_repair",
    "cần sửa": "needs_repair", "needs repair": "needs_repair", "hỏng": "broken", "hư hỏng": "broken",
    "broken": "broken", "thanh lý": "retired", "đã thanh lý": "retired", "retired": "retired",
})  # fmt: skip
CONDITION_LABELS = ("Đang sử dụng", "Cần sửa chữa", "Hỏng", "Thanh lý")
FUNDING = _chooser({
    **{c: c for c in Funding.values},
    "ngân sách nhà nước": "state", "ngân sách": "state", "nsnn": "state", "xã hội hóa": "socialised",
    "xhh": "socialised", "tài trợ": "sponsor", "dự án": "project", "chương trình": "project", "khác": "other",
})  # fmt: skip
FUNDING_LABELS = ("Ngân sách nhà nước", "Xã hội hóa", "Tài trợ", "Dự án", "Khác")
ROOM_KIND = _chooser({
    **{c: c for c in RoomKind.values},
    "phòng học": "classroom", "lớp học": "classroom", "phòng học thông minh": "smart_classroom",
    "phòng tin học": "computer_lab", "phòng máy tính": "computer_lab", "phòng máy": "computer_lab",
    "phòng studio": "studio", "phòng sản xuất học liệu": "studio", "studio": "studio", "thư viện": "library",
    "văn phòng": "office", "khác": "other",
})  # fmt: skip
ROOM_LABELS = (
    "Phòng học",
    "Phòng học thông minh",
    "Phòng tin học",
    "Phòng studio",
    "Thư viện",
    "Văn phòng",
    "Khác",
)
CONN_KIND = _chooser({
    **{c: c for c in Connection.Kind.values}, "cáp quang": "fibre", "ftth": "fibre", "kênh thuê riêng": "leased",
    "leased line": "leased", "adsl": "adsl", "4g": "mobile", "5g": "mobile", "di động": "mobile", "khác": "other",
})  # fmt: skip
WIFI = _chooser({
    **{c: c for c in Connection.Wifi.values}, "không có": "none", "không": "none", "một phần": "partial",
    "toàn trường": "full", "toàn bộ": "full",
})  # fmt: skip
YES = {"co", "x", "yes", "1", "true", "dung"}

SCHOOL_CODE = K.Column(
    "school_code", "Mã trường", ("ma truong", "school code", "ma don vi"), required=True, not_blank=True,
    normaliser=K.CODE, help=_("MOET code of the school."), example="79000101",
)  # fmt: skip


def resolve_school(frame: pl.DataFrame, sink: Any, ctx: K.Context) -> pl.DataFrame:
    """school_code → school_id; unknown schools and schools outside the importer's scope are refused."""
    codes = frame["school_code"].drop_nulls().unique().to_list()
    cache = ctx.cache.setdefault("schools", {})
    todo = [c for c in codes if c not in cache]
    if todo:
        found = registry.schools_by_code(todo)
        for c in todo:
            cache[c] = found.get(c)
    scope = ctx.actor.scope
    unknown = [c for c in codes if cache.get(c) is None]
    outside = [
        c
        for c in codes
        if cache.get(c)
        and not (scope.can(perms.CHANGE, cache[c]["path"]) and scope.can(INGEST_RUN, cache[c]["path"]))
    ]
    frame = sink.flag(
        frame,
        pl.col("school_code").is_in(unknown),
        "school_code",
        "school_not_found",
        ERROR,
        _("No school has this MOET code."),
    )
    frame = sink.flag(
        frame,
        pl.col("school_code").is_in(outside),
        "school_code",
        "school_out_of_scope",
        ERROR,
        _("You may not import data of this school (outside your scope)."),
    )
    ids = {c: s["id"] for c, s in cache.items() if s}
    return frame.with_columns(
        pl.col("school_code").replace_strict(ids, default=None, return_dtype=pl.Int64).alias("school_id")
    )


def _rooms_of(school_ids: list[int]) -> dict[tuple[int, str], int]:
    return {
        (s, code): pk
        for pk, s, code in Room.objects.filter(school_id__in=school_ids).values_list(
            "id", "school_id", "code"
        )
    }


def resolve_device(frame: pl.DataFrame, sink: Any, ctx: K.Context) -> pl.DataFrame:
    frame = resolve_school(frame, sink, ctx)
    if "room_code" not in frame.columns:
        return frame.with_columns(pl.lit(None, dtype=pl.Int64).alias("room_id"))
    rooms = _rooms_of(frame["school_id"].drop_nulls().unique().to_list())
    keys = [f"{s}|{r}" for (s, r) in rooms]
    lookup = {f"{s}|{r}": pk for (s, r), pk in rooms.items()}
    joined = pl.concat_str([pl.col("school_id").cast(pl.String), pl.col("room_code")], separator="|")
    frame = frame.with_columns(
        joined.replace_strict(lookup, default=None, return_dtype=pl.Int64).alias("room_id")
    )
    return sink.flag(
        frame, pl.col("room_code").is_not_null() & pl.col("school_id").is_not_null() & ~joined.is_in(keys),
        "room_code", "room_not_found", ERROR, _("The school has no room with this code; import the rooms first."),
    )  # fmt: skip


DEVICE_COMPARED = (
    "school_id",
    "category",
    "make",
    "model",
    "serial_number",
    "acquired_on",
    "funding",
    "condition",
    "room_id",
    "location",
)
_DEVICE_DB = {
    "school_id": "school_id",
    "category": "category",
    "make": "make",
    "model": "model",
    "serial_number": "serial_number",
    "acquired_on": "acquired_on",
    "funding": "funding",
    "condition": "condition",
    "room_id": "room_id",
    "location": "location",
}


def existing_devices(frame: pl.DataFrame, ctx: K.Context) -> dict[str, dict[str, Any]]:
    tags = frame["asset_tag"].drop_nulls().unique().to_list() if "asset_tag" in frame.columns else []
    serials = (
        frame["serial_number"].drop_nulls().unique().to_list() if "serial_number" in frame.columns else []
    )
    out: dict[str, dict[str, Any]] = {}
    fields = ["id", "asset_tag", *_DEVICE_DB.values()]
    for rec in Device.objects.filter(asset_tag__in=tags).values(*fields):
        out[f"asset_tag={rec['asset_tag']}"] = rec
    for rec in Device.objects.filter(serial_number__in=serials).exclude(serial_number="").values(*fields):
        out.setdefault(f"serial_number={rec['serial_number']}", rec)
    return out


def device_rules(frame: pl.DataFrame, sink: Any, ctx: K.Context) -> pl.DataFrame:
    if "acquired_on" in frame.columns:
        frame = sink.flag(
            frame,
            pl.col("acquired_on") > pl.lit(timezone.localdate()),
            "acquired_on",
            "date_in_future",
            ERROR,
            _("The acquisition date is in the future."),
        )
    return frame


def _value(row: dict, key: str, default: Any = "") -> Any:
    v = row.get(key)
    return default if v is None else v


@transaction.atomic
def write_devices(*, actor: Any, new: list[dict], changed: list[tuple], ctx: K.Context) -> None:
    # The same tag scheme as the forms (services.next_asset_tag), numbered in bulk.
    code_of = {s["id"]: c for c, s in ctx.cache.get("schools", {}).items() if s}
    next_n: dict[int, int] = {}
    objs = []
    for row in new:
        school_id = row["school_id"]
        tag = row.get("asset_tag")
        if not tag:
            code = code_of[school_id]
            if school_id not in next_n:
                last = (
                    Device.objects.filter(asset_tag__startswith=f"TB-{code}-")
                    .order_by("-asset_tag")
                    .values_list("asset_tag", flat=True)
                    .first()
                )
                next_n[school_id] = int(last.rsplit("-", 1)[1]) + 1 if last else 1
            tag = f"TB-{code}-{next_n[school_id]:05d}"
            next_n[school_id] += 1
        objs.append(
            Device(
                school_id=school_id,
                room_id=row.get("room_id"),
                asset_tag=tag,
                category=row["category"],
                make=_value(row, "make"),
                model=_value(row, "model"),
                serial_number=_value(row, "serial_number"),
                acquired_on=row.get("acquired_on"),
                funding=row.get("funding") or Funding.STATE,
                condition=row.get("condition") or Condition.IN_USE,
                location=_value(row, "location"),
            )
        )
    Device.objects.bulk_create(objs, batch_size=2000)
    entries = [
        {
            "obj": d,
            "action": "create",
            "operation": "import",
            "changes": {"asset_tag": [None, d.asset_tag], "category": [None, d.category]},
        }
        for d in objs
    ]
    updates = []
    for pk, row, changes in changed:
        d = Device(pk=pk)
        for field in changes:
            setattr(d, _DEVICE_DB.get(field, field), row.get(field))
        if "condition" in changes:
            d.condition_changed_at = timezone.now()
        updates.append(
            (
                d,
                [(_DEVICE_DB.get(f, f)) for f in changes]
                + (["condition_changed_at"] if "condition" in changes else []),
            )
        )
        entries.append(
            {
                "obj": d,
                "action": "update",
                "operation": "import",
                "changes": {k: [_plain(v[0]), _plain(v[1])] for k, v in changes.items()},
            }
        )
    for d, fields in updates:
        Device.objects.filter(pk=d.pk).update(**{f: getattr(d, f) for f in fields}, updated_at=timezone.now())
    history.record_many(entries, actor=actor)


def _plain(v: Any) -> Any:
    return v.isoformat() if hasattr(v, "isoformat") else v


DEVICES = K.register(
    K.Kind(
        name="devices",
        label=_("ICT devices"),
        description=_("Computers, projectors, displays and other ICT equipment of schools."),
        columns=(
            SCHOOL_CODE,
            K.Column(
                "asset_tag",
                "Mã tài sản",
                ("ma tai san", "ma thiet bi", "asset tag", "tag"),
                normaliser=K.CODE,
                help=_("Asset tag printed on the device; empty for new devices (one is assigned)."),
                example="TB-79000101-00001",
            ),
            K.Column(
                "category",
                "Loại thiết bị",
                ("loai thiet bi", "loai", "category", "type"),
                required=True,
                not_blank=True,
                choices=CATEGORY,
                choice_labels=CATEGORY_LABELS,
                help=_("Kind of device."),
                example="Máy chiếu",
            ),
            K.Column(
                "make",
                "Hãng sản xuất",
                ("hang", "hang san xuat", "nha san xuat", "make", "brand"),
                help=_("Manufacturer."),
                example="Epson",
            ),
            K.Column(
                "model", "Model", ("model", "ma model", "kieu"), help=_("Model name."), example="EB-X51"
            ),
            K.Column(
                "serial_number",
                "Số sê-ri",
                ("so seri", "so serial", "serial", "serial number", "s/n"),
                normaliser=K.CODE,
                help=_("Manufacturer's serial number."),
                example="X5A1234567",
            ),
            K.Column(
                "acquired_on",
                "Ngày đưa vào sử dụng",
                ("ngay dua vao su dung", "ngay mua", "ngay trang bi", "acquired on", "acquisition date"),
                normaliser=K.DATE,
                help=_("dd/mm/yyyy."),
                example="15/08/2022",
            ),
            K.Column(
                "funding",
                "Nguồn kinh phí",
                ("nguon kinh phi", "nguon von", "funding", "funding source"),
                choices=FUNDING,
                choice_labels=FUNDING_LABELS,
                help=_("Where the money came from."),
                example="Ngân sách nhà nước",
            ),
            K.Column(
                "condition",
                "Tình trạng",
                ("tinh trang", "trang thai", "condition", "status"),
                choices=CONDITION,
                choice_labels=CONDITION_LABELS,
                help=_("Current condition."),
                example="Đang sử dụng",
            ),
            K.Column(
                "room_code",
                "Mã phòng",
                ("ma phong", "phong", "room", "room code"),
                normaliser=K.CODE,
                help=_("Code of the room the device is in (import rooms first)."),
                example="P101",
            ),
            K.Column(
                "location",
                "Vị trí",
                ("vi tri", "location", "noi dat"),
                help=_("Free text location."),
                example="Tầng 2",
            ),
        ),
        natural_key=("asset_tag", "serial_number"),
        compared=DEVICE_COMPARED,
        rules=(device_rules,),
        resolve=resolve_device,
        existing=existing_devices,
        write=write_devices,
    )
)


ROOM_COMPARED = ("school_id", "name", "kind", "seats", "has_internet")


def _room_key(frame: pl.DataFrame, sink: Any, ctx: K.Context) -> pl.DataFrame:
    frame = resolve_school(frame, sink, ctx)
    if "has_internet" in frame.columns:
        folded = pl.col("has_internet").str.to_lowercase().str.replace_all("ó", "o").str.replace_all("đ", "d")
        frame = frame.with_columns(folded.is_in(list(YES)).fill_null(False).alias("has_internet"))
    # Room codes repeat across schools: the natural key is the pair.
    return frame.with_columns(
        pl.concat_str([pl.col("school_code"), pl.col("room_code")], separator="/").alias("room_key")
    )


def existing_rooms(frame: pl.DataFrame, ctx: K.Context) -> dict[str, dict[str, Any]]:
    rooms = Room.objects.filter(school_id__in=frame["school_id"].drop_nulls().unique().to_list()).values(
        "id", "school_id", "code", "name", "kind", "seats", "has_internet"
    )
    codes = {s["id"]: c for c, s in ctx.cache.get("schools", {}).items() if s}
    return {f"room_key={codes.get(r['school_id'])}/{r['code']}": r for r in rooms}


@transaction.atomic
def write_rooms(*, actor: Any, new: list[dict], changed: list[tuple], ctx: K.Context) -> None:
    objs = [
        Room(
            school_id=r["school_id"],
            code=r["room_code"],
            name=r.get("name") or r["room_code"],
            kind=r.get("kind") or RoomKind.CLASSROOM,
            seats=r.get("seats") or 0,
            has_internet=bool(r.get("has_internet")),
        )
        for r in new
    ]
    Room.objects.bulk_create(objs, batch_size=2000)
    entries = [
        {"obj": o, "action": "create", "operation": "import", "changes": {"code": [None, o.code]}}
        for o in objs
    ]
    for pk, row, changes in changed:
        Room.objects.filter(pk=pk).update(
            **{k: row.get(k) for k in changes if k != "school_id"}, updated_at=timezone.now()
        )
        entries.append(
            {
                "obj": Room(pk=pk),
                "action": "update",
                "operation": "import",
                "changes": {k: [_plain(v[0]), _plain(v[1])] for k, v in changes.items()},
            }
        )
    history.record_many(entries, actor=actor)


ROOMS = K.register(
    K.Kind(
        name="rooms",
        label=_("Rooms"),
        description=_("Classrooms, computer labs, studios and other rooms of schools."),
        columns=(
            SCHOOL_CODE,
            K.Column(
                "room_code",
                "Mã phòng",
                ("ma phong", "room code", "code"),
                required=True,
                not_blank=True,
                normaliser=K.CODE,
                help=_("Code of the room, unique in the school."),
                example="P101",
            ),
            K.Column(
                "name",
                "Tên phòng",
                ("ten phong", "name", "room name"),
                help=_("Name of the room."),
                example="Phòng học 101",
            ),
            K.Column(
                "kind",
                "Loại phòng",
                ("loai phong", "kind", "room type"),
                choices=ROOM_KIND,
                choice_labels=ROOM_LABELS,
                help=_("Kind of room."),
                example="Phòng học",
            ),
            K.Column(
                "seats",
                "Số chỗ ngồi",
                ("so cho ngoi", "so cho", "seats", "capacity"),
                normaliser=K.INTEGER,
                help=_("Seats."),
                example="40",
            ),
            K.Column(
                "has_internet",
                "Có Internet",
                ("co internet", "internet", "has internet"),
                help=_("Có / Không."),
                example="Có",
            ),
        ),
        natural_key=("room_key",),
        compared=ROOM_COMPARED,
        resolve=_room_key,
        existing=existing_rooms,
        write=write_rooms,
    )
)


CONN_COMPARED = ("school_id", "provider", "kind", "download_mbps", "upload_mbps", "wifi")


def _conn_key(frame: pl.DataFrame, sink: Any, ctx: K.Context) -> pl.DataFrame:
    frame = resolve_school(frame, sink, ctx)
    for col in ("download_mbps", "upload_mbps"):
        if col in frame.columns:
            frame = sink.flag(
                frame,
                (pl.col(col) <= 0) | (pl.col(col) > 100000),
                col,
                "bandwidth_out_of_range",
                ERROR,
                _("Bandwidth must be between 1 and 100,000 Mbps."),
            )
    return frame.with_columns(
        pl.concat_str([pl.col("school_code"), pl.col("provider").str.to_lowercase()], separator="/").alias(
            "conn_key"
        )
    )


def existing_connections(frame: pl.DataFrame, ctx: K.Context) -> dict[str, dict[str, Any]]:
    rows = Connection.objects.filter(school_id__in=frame["school_id"].drop_nulls().unique().to_list()).values(
        "id", "school_id", "provider", "kind", "download_mbps", "upload_mbps", "wifi"
    )
    codes = {s["id"]: c for c, s in ctx.cache.get("schools", {}).items() if s}
    return {f"conn_key={codes.get(r['school_id'])}/{r['provider'].lower()}": r for r in rows}


@transaction.atomic
def write_connections(*, actor: Any, new: list[dict], changed: list[tuple], ctx: K.Context) -> None:
    objs = [
        Connection(
            school_id=r["school_id"],
            provider=r["provider"],
            kind=r.get("kind") or Connection.Kind.FIBRE,
            download_mbps=r["download_mbps"],
            upload_mbps=r.get("upload_mbps") or r["download_mbps"],
            wifi=r.get("wifi") or Connection.Wifi.PARTIAL,
        )
        for r in new
    ]
    Connection.objects.bulk_create(objs)
    entries = [
        {"obj": o, "action": "create", "operation": "import", "changes": {"provider": [None, o.provider]}}
        for o in objs
    ]
    for pk, row, changes in changed:
        Connection.objects.filter(pk=pk).update(
            **{k: row.get(k) for k in changes if k != "school_id"}, updated_at=timezone.now()
        )
        entries.append(
            {
                "obj": Connection(pk=pk),
                "action": "update",
                "operation": "import",
                "changes": {k: [_plain(v[0]), _plain(v[1])] for k, v in changes.items()},
            }
        )
    history.record_many(entries, actor=actor)


CONNECTIONS = K.register(
    K.Kind(
        name="connections",
        label=_("Internet connections"),
        description=_("Internet lines of schools with their bandwidth and Wi-Fi coverage."),
        columns=(
            SCHOOL_CODE,
            K.Column(
                "provider",
                "Nhà cung cấp",
                ("nha cung cap", "nha mang", "provider", "isp"),
                required=True,
                not_blank=True,
                help=_("Internet provider."),
                example="VNPT",
            ),
            K.Column(
                "kind",
                "Loại đường truyền",
                ("loai duong truyen", "loai ket noi", "type"),
                choices=CONN_KIND,
                choice_labels=("Cáp quang", "Kênh thuê riêng", "ADSL", "4G/5G", "Khác"),
                help=_("Type of line."),
                example="Cáp quang",
            ),
            K.Column(
                "download_mbps",
                "Tốc độ tải xuống (Mbps)",
                ("toc do tai xuong", "bang thong", "download", "download mbps"),
                required=True,
                not_blank=True,
                normaliser=K.INTEGER,
                help=_("Download bandwidth in Mbps."),
                example="300",
            ),
            K.Column(
                "upload_mbps",
                "Tốc độ tải lên (Mbps)",
                ("toc do tai len", "upload", "upload mbps"),
                normaliser=K.INTEGER,
                help=_("Upload bandwidth in Mbps."),
                example="150",
            ),
            K.Column(
                "wifi",
                "Phủ sóng Wi-Fi",
                ("phu song wifi", "wifi", "wi-fi"),
                choices=WIFI,
                choice_labels=("Không có", "Một phần", "Toàn trường"),
                help=_("Wi-Fi coverage."),
                example="Toàn trường",
            ),
        ),
        natural_key=("conn_key",),
        compared=CONN_COMPARED,
        resolve=_conn_key,
        existing=existing_connections,
        write=write_connections,
    )
)
