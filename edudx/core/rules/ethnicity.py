"""The 54 ethnic groups of Viet Nam with the General Statistics Office codes."""

from ..text import fold

ETHNIC_GROUPS: dict[str, str] = {
    "01": "Kinh", "02": "Tày", "03": "Thái", "04": "Hoa", "05": "Khmer", "06": "Mường", "07": "Nùng",
    "08": "Mông", "09": "Dao", "10": "Gia Rai", "11": "Ngái", "12": "Ê Đê", "13": "Ba Na", "14": "Xơ Đăng",
    "15": "Sán Chay", "16": "Cơ Ho", "17": "Chăm", "18": "Sán Dìu", "19": "Hrê", "20": "Mnông",
    "21": "Ra Glai", "22": "Xtiêng", "23": "Bru Vân Kiều", "24": "Thổ", "25": "Giáy", "26": "Cơ Tu",
    "27": "Gié Triêng", "28": "Mạ", "29": "Khơ Mú", "30": "Co", "31": "Tà Ôi", "32": "Chơ Ro",
    "33": "Kháng", "34": "Xinh Mun", "35": "Hà Nhì", "36": "Chu Ru", "37": "Lào", "38": "La Chí",
    "39": "La Ha", "40": "Phù Lá", "41": "La Hủ", "42": "Lự", "43": "Lô Lô", "44": "Chứt", "45": "Mảng",
    "46": "Pà Thẻn", "47": "Cơ Lao", "48": "Cống", "49": "Bố Y", "50": "Si La", "51": "Pu Péo",
    "52": "Brâu", "53": "Ơ Đu", "54": "Rơ Măm", "55": "Người nước ngoài",
}  # fmt: skip

_ALIASES = {"hmong": "08", "h'mong": "08", "ede": "12", "bahnar": "13", "khome": "05", "kho me": "05"}
_BY_FOLDED = {fold(name): code for code, name in ETHNIC_GROUPS.items()} | _ALIASES


def ethnicity_code(value: str | None) -> str | None:
    """The GSO code for a name or code as typed ("Kinh", "kinh", "01", "1"), else None."""
    if not value:
        return None
    v = str(value).strip()
    if v.isdigit():
        code = v.zfill(2)
        return code if code in ETHNIC_GROUPS else None
    return _BY_FOLDED.get(fold(v))
