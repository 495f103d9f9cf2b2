"""XLS (Excel 97–2003): formula cells, from the BIFF records calamine does not give."""

from __future__ import annotations

from pathlib import Path

from ..problems import Problem
from .common import _col_letter, _formula_note

# BIFF8 record types (Microsoft's [MS-XLS]): a sheet's substream starts at the offset its
# BoundSheet8 record gives and ends at EOF; each Formula record names its cell (row, column).
_BIFF_BOUNDSHEET, _BIFF_FORMULA, _BIFF_EOF = 0x0085, 0x0006, 0x000A


def _xls_formulas(path: Path, *, sheet_index: int, max_listed: int = 1000) -> list[Problem]:
    """Formula cells of an Excel 97–2003 sheet, found by walking the BIFF records of the
    workbook stream (calamine gives values only)."""
    import struct

    import olefile

    out: list[Problem] = []
    try:
        with olefile.OleFileIO(str(path)) as ole:
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:
                return out
            data = ole.openstream(name).read()
    except (OSError, olefile.olefile.OleFileError):
        return out  # calamine already opened it; a stream we cannot walk only loses the notes
    offsets: list[int] = []
    pos = 0
    while pos + 4 <= len(data):
        rtype, size = struct.unpack_from("<HH", data, pos)
        if rtype == _BIFF_BOUNDSHEET and size >= 4:
            offsets.append(struct.unpack_from("<I", data, pos + 4)[0])
        elif rtype == _BIFF_EOF:
            break
        pos += 4 + size
    if sheet_index >= len(offsets):
        return out
    pos = offsets[sheet_index]
    first = True
    while pos + 4 <= len(data) and len(out) < max_listed:
        rtype, size = struct.unpack_from("<HH", data, pos)
        if rtype == _BIFF_EOF and not first:
            break
        if rtype == _BIFF_FORMULA and size >= 4:
            row, col = struct.unpack_from("<HH", data, pos + 4)
            out.append(_formula_note(row + 1, _col_letter(col)))
        first = False
        pos += 4 + size
    return out
