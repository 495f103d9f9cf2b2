"""The connections kind: Internet lines with bandwidth and Wi-Fi coverage."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from edudx.core.rules import ERROR
from edudx.ingest import kinds as K

from ..models import Connection
from .common import CHANGE, CONN_KIND, SCHOOL_CODE, WIFI, _apply, _rows, locate_school, resolve_school

CONN_COMPARED = ("school_id", "provider", "kind", "download_mbps", "upload_mbps", "wifi")


def _conn_key(frame: pl.DataFrame, sink: K.Sink, ctx: K.Context) -> pl.DataFrame:
    frame = resolve_school(frame, sink, ctx)
    for col in ("download_mbps", "upload_mbps"):
        if col in frame.columns:
            # A column the file lacks comes as nulls of text: compare as numbers.
            mbps = pl.col(col).cast(pl.Int64, strict=False)
            frame = sink.flag(
                frame,
                (mbps <= 0) | (mbps > 100000),
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
        "id", "school_id", "provider", "kind", "download_mbps", "upload_mbps", "wifi", "school__unit__path"
    )
    codes = {s["id"]: c for c, s in ctx.cache.get("schools", {}).items() if s}
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        row: dict[str, Any] = {k: v for k, v in r.items() if k != "school__unit__path"}
        row[K.UNIT_PATH] = r["school__unit__path"]
        out[f"conn_key={codes.get(r['school_id'])}/{r['provider'].lower()}"] = row
    return out


@transaction.atomic
def write_connections(*, actor: Any, new: pl.DataFrame, changed: list[K.Changed], ctx: K.Context) -> None:
    objs = [
        Connection(
            school_id=r["school_id"],
            provider=r["provider"],
            kind=r.get("kind") or Connection.Kind.FIBRE,
            download_mbps=r["download_mbps"],
            upload_mbps=r.get("upload_mbps") or r["download_mbps"],
            wifi=r.get("wifi") or Connection.Wifi.PARTIAL,
        )
        for r in _rows(new)
    ]
    Connection.objects.bulk_create(objs)
    _apply(Connection, actor=actor, created=objs, changed=changed)


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
        change_permission=CHANGE,
        locate=locate_school,
    )
)
