"""What the infrastructure kinds share: enumeration choosers, the school reference, writing
changed rows with history."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.utils import timezone

from edudx.core import history
from edudx.core.text import fold
from edudx.ingest import kinds as K
from edudx.registry.kinds import SCHOOL_CODE, locate_school, school_paths  # noqa: F401 (re-exported)
from edudx.registry.kinds import resolve_school as _resolve

from .. import permissions as perms
from ..models import Condition, Connection, DeviceCategory, Funding, RoomKind

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

CHANGE = perms.CHANGE  # every infrastructure kind's change_permission (scope checked by the engine)


def resolve_school(frame: pl.DataFrame, sink: K.Sink, ctx: K.Context) -> pl.DataFrame:
    """The registry's school resolver (school_code → school_id)."""
    return _resolve(frame, sink, ctx).drop("__level")


def _rows(new: Any):
    """New rows as dicts: the engine hands a polars frame (set-based writers use it as is)."""
    return new.iter_rows(named=True) if isinstance(new, pl.DataFrame) else iter(new)


def _plain(v: Any) -> Any:
    return v.isoformat() if hasattr(v, "isoformat") else v


def _apply(
    model, *, actor: Any, created: list, changed: list[tuple], field_of=lambda f: f, extra=None
) -> None:
    """Write an import's changed rows (only the fields that changed) and record the history of
    its created and changed records in bulk, as the import's actor."""
    entries = [
        {"obj": o, "action": "create", "operation": "import", "changes": {"id": [None, o.pk]}}
        for o in created
    ]
    now = timezone.now()
    for pk, row, changes in changed:
        values = {field_of(k): row.get(k) for k in changes if k != "school_id"}
        values.update(extra(changes, now) if extra else {})
        model.objects.filter(pk=pk).update(**values, updated_at=now)
        changes_plain = {k: [_plain(v[0]), _plain(v[1])] for k, v in changes.items()}
        entries.append(
            {"obj": model(pk=pk), "action": "update", "operation": "import", "changes": changes_plain}
        )
    history.record_many(entries, actor=actor)
