"""The devices kind: ICT equipment with asset tags, resolved against schools and rooms."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core.rules import ERROR
from edudx.ingest import kinds as K

from ..models import Condition, Device, Funding, Room
from .common import (
    CATEGORY,
    CATEGORY_LABELS,
    CHANGE,
    CONDITION,
    CONDITION_LABELS,
    FUNDING,
    FUNDING_LABELS,
    SCHOOL_CODE,
    _apply,
    _rows,
    locate_school,
    resolve_school,
)


def _rooms_of(school_ids: list[int]) -> dict[tuple[int, str], int]:
    return {
        (s, code): pk
        for pk, s, code in Room.objects.filter(school_id__in=school_ids).values_list(
            "id", "school_id", "code"
        )
    }


def resolve_device(frame: pl.DataFrame, sink: K.Sink, ctx: K.Context) -> pl.DataFrame:
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
    fields = ["id", "asset_tag", *_DEVICE_DB.values(), "school__unit__path"]
    for rec in Device.objects.filter(asset_tag__in=tags).values(*fields):
        out[f"asset_tag={rec['asset_tag']}"] = _with_path(rec)
    for rec in Device.objects.filter(serial_number__in=serials).exclude(serial_number="").values(*fields):
        out.setdefault(f"serial_number={rec['serial_number']}", _with_path(rec))
    return out


def _with_path(rec: dict[str, Any]) -> dict[str, Any]:
    rec[K.UNIT_PATH] = rec.pop("school__unit__path")
    return rec


def device_rules(frame: pl.DataFrame, sink: K.Sink, ctx: K.Context) -> pl.DataFrame:
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
def write_devices(*, actor: Any, new: pl.DataFrame, changed: list[K.Changed], ctx: K.Context) -> None:
    # The same tag scheme as the forms (services.next_asset_tag), numbered in bulk.
    code_of = {s["id"]: c for c, s in ctx.cache.get("schools", {}).items() if s}
    next_n: dict[int, int] = {}
    objs = []
    for row in _rows(new):
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
    _apply(
        Device, actor=actor, created=objs, changed=changed, field_of=lambda f: _DEVICE_DB.get(f, f),
        extra=lambda changes, now: {"condition_changed_at": now} if "condition" in changes else {},
    )  # fmt: skip


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
        change_permission=CHANGE,
        locate=locate_school,
    )
)
