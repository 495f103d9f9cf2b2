"""The example workbook in the vnEdu/SMAS score-book layout (`/results/scorebook-example.xlsx`):
what `scorebook.read` takes — one sheet per class × subject, header rows naming the school code,
year, semester, class and subject, then STT, Mã học sinh, Họ và tên, ĐĐGtx1…n, ĐĐGgk, ĐĐGck,
ĐTBmhk (not imported: compared), Nhận xét. Example values only; no record of anyone."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

PUPILS = [("7900012345", "Nguyễn Văn An"), ("7900012346", "Trần Thị Bình"), ("7900012347", "Lê Minh Châu")]


def build() -> bytes:
    wb = Workbook()
    guide = wb.active
    guide.title = "Hướng dẫn"
    for line in (
        "Sổ điểm theo mẫu vnEdu/SMAS: mỗi trang tính là một lớp × một môn của một học kì.",
        "Các dòng đầu ghi: Mã trường, Năm học, Học kì, Lớp, Môn học (“Nhãn: giá trị” trong một ô, hoặc nhãn và giá trị ở ô kế bên).",
        "Thiếu Lớp / Môn học / Học kì thì lấy từ tên trang tính (ví dụ “6A1_Toan”, “6A1 - Ngữ văn - HK1”).",
        "Bảng điểm: STT, Mã học sinh, Họ và tên, ĐĐGtx1…ĐĐGtx5, ĐĐGgk, ĐĐGck, ĐTBmhk, Nhận xét.",
        "ĐTBmhk không được nhập: edudx tự tính; nếu khác với số trong tệp thì có cảnh báo (average_mismatch).",
        "Môn đánh giá bằng nhận xét (GDTC, Nghệ thuật, HĐTN, Nội dung GD địa phương): kết quả học kì Đ/CĐ ở cột ĐTBmhk hoặc Kết quả.",
        "Ô chứa công thức ở cột điểm bị từ chối (score_formula): hãy nhập giá trị.",
        "Mỗi lỗi ghi rõ trang tính, dòng, cột và mã lỗi. Chế độ nghiêm ngặt: có một lỗi thì không ghi gì.",
    ):
        guide.append([line])
    guide.column_dimensions["A"].width = 120
    _sheet(wb, "6A1_Toan", "Toán", [[8, 7.5, 9, 8, 7, 8.5], [6, 6.5, 7, 5, 6, 7], [9, 9, 10, 9, 9.5, 9]])
    _sheet(wb, "6A1_GDTC", "Giáo dục thể chất", [["Đ", "Đ", None, None, "Đ", "Đ"]] * 3, comment=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet(
    wb: Workbook, title: str, subject: str, scores: list[list[object]], *, comment: bool = False
) -> None:
    ws = wb.create_sheet(title)
    ws.append(["Mã trường:", "79000001", None, "Trường THCS Ví Dụ"])
    ws.append([f"SỔ ĐIỂM - Lớp: 6A1 - Môn học: {subject}"])
    ws.append(["Năm học: 2025-2026", None, "Học kỳ: I"])
    ws.append([])
    ws.append(["STT", "Mã học sinh", "Họ và tên", "ĐĐGtx1", "ĐĐGtx2", "ĐĐGtx3", "ĐĐGtx4", "ĐĐGgk", "ĐĐGck",
               "ĐTBmhk", "Nhận xét"])  # fmt: skip
    for cell in ws[5]:
        cell.font = Font(bold=True)
    for i, ((code, name), s) in enumerate(zip(PUPILS, scores, strict=True), start=1):
        if comment:
            ws.append([i, code, name, *s, "Đ", ""])
            continue
        tx, gk, ck = [v for v in s[:4] if v is not None], s[4], s[5]
        avg = (sum(tx) + 2 * gk + 3 * ck) / (len(tx) + 5)  # type: ignore[operator,arg-type]
        ws.append([i, code, name, *s, round(avg + 1e-9, 1), "Chăm ngoan"])
    ws.column_dimensions["C"].width = 22
