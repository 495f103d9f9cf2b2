"""Vietnamese personal names for the synthetic city, weighted as the population is.

Family names are highly concentrated (domain.md §4): Nguyễn ≈ 38 %, then Trần, Lê, Phạm,
Huỳnh/Hoàng, Phan, Võ/Vũ… — in the South Huỳnh and Võ are more common than Hoàng and Vũ.
Middle names are gender-typed (Văn, Thị…) and two-word middle names are common among children
born after 2005 (often the mother's family name first: "Nguyễn Lê Minh Khang").
"""

from __future__ import annotations

import itertools

# (name, weight in ‰)
FAMILY_NAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 70), ("Huỳnh", 30), ("Hoàng", 20),
    ("Phan", 45), ("Võ", 35), ("Vũ", 20), ("Đặng", 21), ("Bùi", 20), ("Đỗ", 14), ("Hồ", 13),
    ("Ngô", 13), ("Dương", 10), ("Lý", 5), ("Trương", 12), ("Đinh", 6), ("Lâm", 5), ("Mai", 5),
    ("Cao", 4), ("Lương", 4), ("Trịnh", 4), ("Châu", 3), ("Tô", 3), ("Tạ", 2), ("Quách", 2),
    ("Thái", 2), ("Hà", 3), ("Đoàn", 4), ("Văn", 1), ("Kiều", 1), ("La", 1), ("Từ", 1),
)  # fmt: skip

# Family names typical of the larger minorities in the city.
ETHNIC_FAMILY_NAMES: dict[str, tuple[str, ...]] = {
    "04": ("Lý", "Lâm", "Trương", "Quách", "Hứa", "Diệp", "Tăng", "Mạch", "Trần", "Lưu", "Huỳnh"),  # Hoa
    "05": ("Thạch", "Sơn", "Danh", "Kim", "Lâm", "Chau", "Thị"),  # Khmer
    "17": ("Mohamad", "Ma", "Từ", "Bá", "Lộ", "Đàng", "Châu"),  # Chăm
}

MALE_MIDDLE: tuple[tuple[str, float], ...] = (
    ("Văn", 14), ("Minh", 12), ("Hoàng", 6), ("Quốc", 6), ("Đức", 6), ("Gia", 8), ("Anh", 5),
    ("Thành", 4), ("Tuấn", 3), ("Hữu", 5), ("Công", 3), ("Nhật", 5), ("Trọng", 3), ("Bảo", 6),
    ("Thanh", 4), ("Khánh", 3), ("Đăng", 4), ("Phúc", 3), ("Hoài", 2), ("Trung", 2), ("Tấn", 3),
)  # fmt: skip
FEMALE_MIDDLE: tuple[tuple[str, float], ...] = (
    ("Thị", 14), ("Ngọc", 12), ("Thanh", 6), ("Phương", 5), ("Thu", 4), ("Bảo", 7), ("Khánh", 6),
    ("Minh", 6), ("Gia", 6), ("Hoàng", 3), ("Mai", 3), ("Kim", 4), ("Diệu", 2), ("Quỳnh", 3),
    ("Tường", 2), ("Thảo", 3), ("Hồng", 3), ("Yến", 2), ("Cẩm", 2), ("Tuyết", 1), ("Hà", 2),
)  # fmt: skip
# Adults of the parents' and teachers' generation: Văn / Thị dominate.
MALE_MIDDLE_ADULT: tuple[tuple[str, float], ...] = (("Văn", 45), *MALE_MIDDLE[1:])
FEMALE_MIDDLE_ADULT: tuple[tuple[str, float], ...] = (("Thị", 45), *FEMALE_MIDDLE[1:])

MALE_GIVEN: tuple[tuple[str, float], ...] = (
    ("An", 8), ("Bảo", 6), ("Bình", 4), ("Cường", 3), ("Dũng", 4), ("Duy", 5), ("Đạt", 5),
    ("Đức", 4), ("Hải", 4), ("Hào", 2), ("Hiếu", 4), ("Hoàng", 4), ("Huy", 7), ("Hùng", 4),
    ("Hưng", 4), ("Khang", 6), ("Khánh", 3), ("Khoa", 5), ("Khôi", 5), ("Kiên", 2), ("Kiệt", 4),
    ("Lâm", 3), ("Long", 5), ("Lộc", 3), ("Minh", 6), ("Nam", 6), ("Nghĩa", 3), ("Nguyên", 4),
    ("Nhân", 4), ("Phát", 5), ("Phong", 4), ("Phúc", 6), ("Quân", 5), ("Quang", 3), ("Sơn", 3),
    ("Tài", 3), ("Tâm", 3), ("Thắng", 3), ("Thành", 4), ("Thiện", 3), ("Thịnh", 4), ("Toàn", 3),
    ("Trí", 4), ("Trung", 3), ("Tuấn", 5), ("Tùng", 3), ("Vinh", 3), ("Vũ", 3), ("Việt", 3),
    ("Hậu", 2), ("Lực", 1), ("Danh", 2), ("Tín", 2), ("Thuận", 2),
)  # fmt: skip
FEMALE_GIVEN: tuple[tuple[str, float], ...] = (
    ("An", 6), ("Anh", 9), ("Châu", 3), ("Chi", 5), ("Diệp", 2), ("Dung", 2), ("Giang", 3),
    ("Hà", 4), ("Hân", 6), ("Hằng", 3), ("Hạnh", 3), ("Hiền", 3), ("Hoa", 3), ("Hương", 4),
    ("Huyền", 3), ("Lan", 3), ("Linh", 8), ("Loan", 2), ("Mai", 4), ("My", 6), ("Nga", 2),
    ("Ngân", 5), ("Ngọc", 5), ("Nhi", 8), ("Nhung", 2), ("Như", 5), ("Oanh", 2), ("Phương", 4),
    ("Quyên", 2), ("Thảo", 6), ("Thư", 7), ("Thùy", 2), ("Tiên", 4), ("Trâm", 4), ("Trang", 5),
    ("Trinh", 3), ("Uyên", 4), ("Vân", 3), ("Vy", 8), ("Xuân", 2), ("Yến", 3), ("Khuê", 2),
    ("Hoài", 1), ("Lam", 1), ("Quỳnh", 4), ("Tâm", 2), ("Tuyết", 1),
)  # fmt: skip

# Historical and cultural figures after whom schools and streets are named.
FIGURES: tuple[str, ...] = (
    "Lê Quý Đôn", "Nguyễn Thị Minh Khai", "Trần Đại Nghĩa", "Lê Hồng Phong", "Nguyễn Du",
    "Trần Hưng Đạo", "Nguyễn Trãi", "Lý Thường Kiệt", "Hai Bà Trưng", "Bùi Thị Xuân", "Võ Thị Sáu",
    "Nguyễn Hiền", "Chu Văn An", "Trương Vĩnh Ký", "Nguyễn Đình Chiểu", "Phan Bội Châu",
    "Phan Châu Trinh", "Huỳnh Thúc Kháng", "Lê Lợi", "Quang Trung", "Ngô Quyền", "Đinh Tiên Hoàng",
    "Lê Văn Tám", "Kim Đồng", "Võ Trường Toản", "Lương Thế Vinh", "Hồ Xuân Hương",
    "Nguyễn Bỉnh Khiêm", "Tô Hiến Thành", "Trần Quốc Toản", "Yết Kiêu", "Phạm Ngũ Lão",
    "Lê Thánh Tông", "Nguyễn Văn Trỗi", "Trần Văn Ơn", "Nguyễn Thượng Hiền", "Trần Phú",
    "Nguyễn Hữu Huân", "Nguyễn An Ninh", "Nguyễn Thái Bình", "Hùng Vương", "Âu Lạc", "Văn Lang",
    "Tuệ Tĩnh", "Hải Thượng Lãn Ông", "Mạc Đĩnh Chi", "Nguyễn Khuyến", "Trần Tế Xương",
    "Đoàn Thị Điểm", "Bà Huyện Thanh Quan", "Nguyễn Gia Thiều", "Nguyễn Công Trứ", "Cao Bá Quát",
    "Ngô Sĩ Liên", "Phan Huy Chú", "Lê Văn Hưu", "Ngô Thì Nhậm", "Trịnh Hoài Đức", "Nguyễn Tri Phương",
    "Trương Định", "Nguyễn Trung Trực", "Thủ Khoa Huân", "Trần Quang Khải", "Trần Nhân Tông",
    "Lý Tự Trọng", "Nguyễn Văn Cừ", "Hà Huy Tập", "Võ Văn Tần", "Nguyễn Thị Định",
    "Lê Thị Hồng Gấm", "Tôn Đức Thắng", "Nguyễn Văn Tố", "Đặng Trần Côn", "Phạm Hồng Thái",
    "Nguyễn Thái Học", "Hoàng Hoa Thám", "Phan Đình Phùng", "Lê Anh Xuân", "Nguyễn Huệ",
    "Nguyễn Trường Tộ", "Huỳnh Văn Bánh", "Trần Khánh Dư", "Lê Đại Hành", "Lý Công Uẩn",
    "Trần Bình Trọng", "Nguyễn Văn Bé", "Nguyễn Thị Lựu", "Võ Văn Ngân", "Đinh Bộ Lĩnh",
    "Lê Lai", "Nguyễn Chí Thanh", "Tạ Quang Bửu", "Trần Quốc Tuấn", "Nguyễn Văn Huyên",
    "Ngô Gia Tự", "Nguyễn Văn Luông", "Lạc Long Quân", "Âu Cơ", "Phù Đổng", "Thánh Gióng",
    "Hoàng Diệu", "Lê Ngọc Hân", "Trưng Vương", "Phan Văn Trị", "Trần Cao Vân", "Lê Văn Việt",
    "Nguyễn Văn Nghi", "Đống Đa", "Bạch Đằng", "Chi Lăng", "Điện Biên", "Nguyễn Thị Thập",
    "Hồ Thị Kỷ", "Phan Văn Hớn", "Trần Văn Giàu", "Nguyễn Hữu Cảnh", "Lê Minh Xuân",
)  # fmt: skip

# Names of preschools: flowers, birds and childhood.
PRESCHOOL_NAMES: tuple[str, ...] = (
    "Hoa Mai", "Hoa Sen", "Họa Mi", "Sơn Ca", "Vàng Anh", "Tuổi Thơ", "Hướng Dương", "Măng Non",
    "Rạng Đông", "Sao Mai", "Hoa Hồng", "Bé Ngoan", "Hoa Lan", "Bông Sen", "Sen Hồng", "Bình Minh",
    "Hoa Cúc", "Thỏ Ngọc", "Mầm Xanh", "Hoa Phượng", "Tuổi Ngọc", "Ánh Dương", "Hoa Thiên Lý",
    "Sóc Nâu", "Chim Non", "Ban Mai", "Hoa Đào", "Kim Đồng", "Mai Vàng", "Tuổi Hồng",
)  # fmt: skip

# Names private schools often take.
PRIVATE_NAMES: tuple[str, ...] = (
    "Ngôi Sao", "Việt Úc", "Á Châu", "Trí Tuệ Việt", "Thanh Bình", "Việt Mỹ", "Hòa Bình",
    "Vạn Hạnh", "Đinh Thiện Lý", "Nam Việt", "Việt Anh", "Tuệ Đức", "Quốc Văn Sài Gòn", "Hồng Hà",
    "Thái Bình Dương", "Nguyễn Khuyến", "Bắc Sơn", "Hoa Sen", "Phan Chu Trinh", "Sao Việt",
)  # fmt: skip


def cumulative(pairs: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float]]:
    names = [n for n, _ in pairs]
    return names, list(itertools.accumulate(w for _, w in pairs))
