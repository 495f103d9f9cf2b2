"""The XLSX template of a kind: headers, an example row, dropdowns, and a sheet explaining columns."""

from __future__ import annotations

import io

import xlsxwriter

from .engine.read import TEMPLATE_DATA_SHEET, TEMPLATE_GUIDE_SHEET, TEMPLATE_LISTS_SHEET
from .engine.report import safe
from .kinds import Kind


def build_template(kind: Kind) -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    required = wb.add_format({"bold": True, "bg_color": "#F8CBAD", "border": 1, "text_wrap": True})
    text = wb.add_format({"num_format": "@"})
    ws = wb.add_worksheet(TEMPLATE_DATA_SHEET)
    lists = wb.add_worksheet(TEMPLATE_LISTS_SHEET)
    guide = wb.add_worksheet(TEMPLATE_GUIDE_SHEET)
    list_col = 0
    for i, col in enumerate(kind.columns):
        ws.write(0, i, str(col.header), required if col.required else head)
        ws.write_string(1, i, safe(col.example or ""), text)
        ws.set_column(i, i, max(14, len(str(col.header)) + 4), text)
        if col.choice_labels:
            for j, label in enumerate(col.choice_labels):
                lists.write_string(j, list_col, label)
            letter = xlsxwriter.utility.xl_col_to_name(list_col)
            ws.data_validation(
                1, i, 5000, i,
                {"validate": "list", "source": f"='{TEMPLATE_LISTS_SHEET}'!${letter}$1:${letter}${len(col.choice_labels)}",
                 "error_type": "warning"},
            )  # fmt: skip
            list_col += 1
    ws.freeze_panes(1, 0)
    lists.hide()
    guide.write_row(
        0, 0, ["Cột", "Khóa (tiếng Anh)", "Bắt buộc", "Giải thích", "Tên cột khác được chấp nhận"], head
    )
    for i, col in enumerate(kind.columns, start=1):
        guide.write_row(
            i, 0,
            [str(col.header), col.key, "Có" if (col.required or col.not_blank) else "Không", str(col.help),
             ", ".join(col.aliases)],
        )  # fmt: skip
    guide.set_column(0, 0, 26)
    guide.set_column(1, 1, 18)
    guide.set_column(3, 3, 60)
    guide.set_column(4, 4, 60)
    wb.close()
    return out.getvalue()
