"""Wards, communes and the special zone of Ho Chi Minh City after the 1 July 2025 merger
(HCMC, Bình Dương and Bà Rịa–Vũng Tàu; 168 units in the resolution). Names as published;
codes here are the demo's own, not the official unit codes (*verify* before real use).

Each entry: (name without the "Phường"/"Xã" prefix, kind, pre-merger province code). The
province code steers the demo's personal-ID prefixes: pupils of a former Bình Dương ward
were mostly registered at birth there (074).
"""

from __future__ import annotations

W, C, Z = "ward", "commune", "special_zone"

# Listed centre first so the small demo takes the central wards.
AREAS: tuple[tuple[str, str, str], ...] = (
    # Former HCMC — wards
    ("Sài Gòn", W, "079"), ("Tân Định", W, "079"), ("Bến Thành", W, "079"), ("Cầu Ông Lãnh", W, "079"),
    ("Bàn Cờ", W, "079"), ("Xuân Hòa", W, "079"), ("Nhiêu Lộc", W, "079"), ("Chợ Lớn", W, "079"),
    ("Bình Tây", W, "079"), ("Gia Định", W, "079"), ("Bình Thạnh", W, "079"), ("Gò Vấp", W, "079"),
    ("Phú Nhuận", W, "079"), ("Tân Bình", W, "079"), ("Tân Sơn Nhất", W, "079"), ("Thủ Đức", W, "079"),
    ("Linh Xuân", W, "079"), ("Long Bình", W, "079"), ("Cát Lái", W, "079"), ("Xóm Chiếu", W, "079"),
    ("Khánh Hội", W, "079"), ("Vĩnh Hội", W, "079"), ("Chợ Quán", W, "079"), ("An Đông", W, "079"),
    ("Bình Tiên", W, "079"), ("Bình Phú", W, "079"), ("Phú Lâm", W, "079"), ("Tân Thuận", W, "079"),
    ("Phú Thuận", W, "079"), ("Tân Mỹ", W, "079"), ("Tân Hưng", W, "079"), ("Chánh Hưng", W, "079"),
    ("Phú Định", W, "079"), ("Bình Đông", W, "079"), ("Diên Hồng", W, "079"), ("Vườn Lài", W, "079"),
    ("Hòa Hưng", W, "079"), ("Minh Phụng", W, "079"), ("Bình Thới", W, "079"), ("Hòa Bình", W, "079"),
    ("Phú Thọ", W, "079"), ("Đông Hưng Thuận", W, "079"), ("Trung Mỹ Tây", W, "079"),
    ("Tân Thới Hiệp", W, "079"), ("Thới An", W, "079"), ("An Phú Đông", W, "079"), ("An Lạc", W, "079"),
    ("Bình Tân", W, "079"), ("Tân Tạo", W, "079"), ("Bình Trị Đông", W, "079"),
    ("Bình Hưng Hòa", W, "079"), ("Bình Lợi Trung", W, "079"), ("Thạnh Mỹ Tây", W, "079"),
    ("Bình Quới", W, "079"), ("Hạnh Thông", W, "079"), ("An Nhơn", W, "079"), ("An Hội Đông", W, "079"),
    ("Thông Tây Hội", W, "079"), ("An Hội Tây", W, "079"), ("Đức Nhuận", W, "079"),
    ("Cầu Kiệu", W, "079"), ("Tân Sơn Hòa", W, "079"), ("Tân Hòa", W, "079"), ("Bảy Hiền", W, "079"),
    ("Tân Sơn", W, "079"), ("Tây Thạnh", W, "079"), ("Tân Sơn Nhì", W, "079"), ("Phú Thọ Hòa", W, "079"),
    ("Tân Phú", W, "079"), ("Phú Thạnh", W, "079"), ("Hiệp Bình", W, "079"), ("Tam Bình", W, "079"),
    ("Tăng Nhơn Phú", W, "079"), ("Long Phước", W, "079"), ("Long Trường", W, "079"),
    ("Bình Trưng", W, "079"), ("Phước Long", W, "079"), ("An Khánh", W, "079"),
    # Former HCMC — communes
    ("Bình Chánh", C, "079"), ("Củ Chi", C, "079"), ("Hóc Môn", C, "079"), ("Nhà Bè", C, "079"),
    ("Cần Giờ", C, "079"), ("Vĩnh Lộc", C, "079"), ("Tân Vĩnh Lộc", C, "079"), ("Bình Lợi", C, "079"),
    ("Tân Nhựt", C, "079"), ("Hưng Long", C, "079"), ("Bình Hưng", C, "079"), ("Bình Khánh", C, "079"),
    ("An Thới Đông", C, "079"), ("Thạnh An", C, "079"), ("Tân An Hội", C, "079"), ("Thái Mỹ", C, "079"),
    ("An Nhơn Tây", C, "079"), ("Nhuận Đức", C, "079"), ("Phú Hòa Đông", C, "079"),
    ("Bình Mỹ", C, "079"), ("Đông Thạnh", C, "079"), ("Xuân Thới Sơn", C, "079"), ("Bà Điểm", C, "079"),
    ("Hiệp Phước", C, "079"),
    # Former Bình Dương — wards
    ("Thủ Dầu Một", W, "074"), ("Dĩ An", W, "074"), ("Thuận An", W, "074"), ("Phú Lợi", W, "074"),
    ("Bình Dương", W, "074"), ("Chánh Hiệp", W, "074"), ("Phú An", W, "074"), ("Thuận Giao", W, "074"),
    ("Bình Hòa", W, "074"), ("Lái Thiêu", W, "074"), ("An Phú", W, "074"), ("Đông Hòa", W, "074"),
    ("Tân Đông Hiệp", W, "074"), ("Tân Khánh", W, "074"), ("Vĩnh Tân", W, "074"), ("Bình Cơ", W, "074"),
    ("Tân Uyên", W, "074"), ("Tân Hiệp", W, "074"), ("Bến Cát", W, "074"), ("Chánh Phú Hòa", W, "074"),
    ("Long Nguyên", W, "074"), ("Tây Nam", W, "074"), ("Thới Hòa", W, "074"), ("Hòa Lợi", W, "074"),
    ("Phú Mỹ", W, "077"),
    # Former Bình Dương — communes
    ("Bắc Tân Uyên", C, "074"), ("Thường Tân", C, "074"), ("An Long", C, "074"),
    ("Phước Thành", C, "074"), ("Phước Hòa", C, "074"), ("Phú Giáo", C, "074"),
    ("Trừ Văn Thố", C, "074"), ("Bàu Bàng", C, "074"), ("Minh Thạnh", C, "074"), ("Long Hòa", C, "074"),
    ("Dầu Tiếng", C, "074"), ("Thanh An", C, "074"),
    # Former Bà Rịa–Vũng Tàu — wards
    ("Vũng Tàu", W, "077"), ("Bà Rịa", W, "077"), ("Tam Thắng", W, "077"), ("Rạch Dừa", W, "077"),
    ("Phước Thắng", W, "077"), ("Long Hương", W, "077"), ("Tam Long", W, "077"), ("Tân Thành", W, "077"),
    ("Tân Phước", W, "077"), ("Tân Hải", W, "077"),
    # Former Bà Rịa–Vũng Tàu — communes
    ("Long Hải", C, "077"), ("Long Điền", C, "077"), ("Phước Hải", C, "077"), ("Đất Đỏ", C, "077"),
    ("Châu Pha", C, "077"), ("Ngãi Giao", C, "077"), ("Kim Long", C, "077"), ("Bình Giã", C, "077"),
    ("Xuân Sơn", C, "077"), ("Hồ Tràm", C, "077"), ("Bình Châu", C, "077"), ("Hòa Hội", C, "077"),
    ("Hòa Hiệp", C, "077"), ("Xuyên Mộc", C, "077"), ("Bàu Lâm", C, "077"), ("Nghĩa Thành", C, "077"),
    ("Châu Đức", C, "077"), ("Long Sơn", C, "077"),
    # Special zone
    ("Côn Đảo", Z, "077"),
)  # fmt: skip

PREFIX = {W: "Phường", C: "Xã", Z: "Đặc khu"}


def full_name(name: str, kind: str) -> str:
    return f"{PREFIX[kind]} {name}"
