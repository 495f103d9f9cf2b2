"""The rooms kind: classrooms, labs, studios; the natural key is (school, room code)."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from edudx.ingest import kinds as K

from ..models import Room, RoomKind
from .common import (
    CHANGE,
    ROOM_KIND,
    ROOM_LABELS,
    SCHOOL_CODE,
    YES,
    _apply,
    _rows,
    locate_school,
    resolve_school,
)

ROOM_COMPARED = ("school_id", "name", "kind", "seats", "has_internet")


def _room_key(frame: pl.DataFrame, sink: K.Sink, ctx: K.Context) -> pl.DataFrame:
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
        "id", "school_id", "code", "name", "kind", "seats", "has_internet", "school__unit__path"
    )
    codes = {s["id"]: c for c, s in ctx.cache.get("schools", {}).items() if s}
    out: dict[str, dict[str, Any]] = {}
    for r in rooms:
        row: dict[str, Any] = {k: v for k, v in r.items() if k != "school__unit__path"}
        row[K.UNIT_PATH] = r["school__unit__path"]
        out[f"room_key={codes.get(r['school_id'])}/{r['code']}"] = row
    return out


@transaction.atomic
def write_rooms(*, actor: Any, new: pl.DataFrame, changed: list[K.Changed], ctx: K.Context) -> None:
    objs = [
        Room(
            school_id=r["school_id"],
            code=r["room_code"],
            name=r.get("name") or r["room_code"],
            kind=r.get("kind") or RoomKind.CLASSROOM,
            seats=r.get("seats") or 0,
            has_internet=bool(r.get("has_internet")),
        )
        for r in _rows(new)
    ]
    Room.objects.bulk_create(objs, batch_size=2000)
    _apply(Room, actor=actor, created=objs, changed=changed)


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
        change_permission=CHANGE,
        locate=locate_school,
    )
)
