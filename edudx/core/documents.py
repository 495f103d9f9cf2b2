"""Vietnamese administrative documents (Decree 30/2020/NĐ-CP, Appendix I): the one layout every
PDF that goes to an authority takes — a ward ranking report, a school's evaluation result.

    doc = AdminDocument(
        parent_unit="UBND THÀNH PHỐ HỒ CHÍ MINH", issuing_unit="SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        symbol="BC-SGDĐT", kind="BÁO CÁO", summary="Kết quả đánh giá chuyển đổi số ...",
        recipients=["Bộ Giáo dục và Đào tạo", "Lưu: VT"], signer_title="GIÁM ĐỐC",
    )
    pdf = documents.pdf(doc, body_html)   # body_html: the app's own content (tables, paragraphs)

The heading is the national heading (quốc hiệu "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and tiêu
ngữ "Độc lập - Tự do - Hạnh phúc") on the right, the issuing unit (under its parent unit) and
the number and symbol on the left; place and date under the national heading; the kind of
document and its summary (trích yếu) centred; the body; the recipients (nơi nhận) on the left and
the signature block on the right. A4, margins 20/15/20/30 mm (top, right, bottom, left), a serif
face at 13-14 pt. The platform drafts: the number is left for the clerk (văn thư) who registers
the document, unless the caller has one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DEFAULT_PLACE = "Thành phố Hồ Chí Minh"


def vn_date(place: str, day: dt.date) -> str:
    """'Thành phố Hồ Chí Minh, ngày 07 tháng 02 năm 2026': a day below 10 and a month below 3
    take a leading zero (Decree 30/2020, Appendix I)."""
    d = f"{day.day:02d}" if day.day < 10 else str(day.day)
    m = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {d} tháng {m} năm {day.year}"


@dataclass(frozen=True)
class AdminDocument:
    issuing_unit: str  # TÊN CƠ QUAN BAN HÀNH (printed upper-case, bold)
    symbol: str  # ký hiệu: "BC-SGDĐT"
    kind: str  # tên loại: "BÁO CÁO", "THÔNG BÁO", "QUYẾT ĐỊNH"
    summary: str  # trích yếu nội dung
    signer_title: str  # chức vụ người ký: "GIÁM ĐỐC", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    parent_unit: str = ""  # TÊN CƠ QUAN CHỦ QUẢN (empty for none)
    number: str = ""  # số: left blank for the clerk
    place: str = DEFAULT_PLACE
    date: dt.date | None = None
    recipients: Sequence[str] = field(default_factory=tuple)
    signer_name: str = ""

    @property
    def number_line(self) -> str:
        number = self.number or "\u2003\u2003"
        return f"Số: {number}/{self.symbol}"

    @property
    def date_line(self) -> str:
        return vn_date(self.place, self.date or timezone.localdate())

    @property
    def signer_lines(self) -> list[str]:
        return [line.strip().upper() for line in self.signer_title.splitlines() if line.strip()]


def html(doc: AdminDocument, body: str, *, landscape: bool = False) -> str:
    """The whole document as HTML (the body is the caller's trusted, already escaped HTML)."""
    return render_to_string(
        "core/decree30.html",
        {
            "doc": doc,
            "body": SafeString(body),
            "national": NATIONAL_NAME,
            "motto": MOTTO,
            "landscape": landscape,
        },
    )


def pdf(doc: AdminDocument, body: str, *, landscape: bool = False) -> bytes:
    from weasyprint import HTML

    out: bytes = HTML(string=html(doc, body, landscape=landscape)).write_pdf()
    return out
