"""core.text.vn_sort_key: Vietnamese name order (given, middle, family name; đ after d; tones)."""

from __future__ import annotations

import unicodedata

from edudx.core.text import SORT_KEY_MAX_LENGTH, vn_sort_key


def ordered(*names: str) -> list[str]:
    return sorted(names, key=vn_sort_key)


def test_given_name_first_then_middle_then_family():
    assert ordered("Trần Văn Bình", "Nguyễn Thị An", "Lê Văn An") == [
        "Nguyễn Thị An",
        "Lê Văn An",
        "Trần Văn Bình",
    ]
    assert ordered("Phạm An", "Nguyễn An") == ["Nguyễn An", "Phạm An"]  # same given, no middle: family


def test_d_stroke_sorts_after_d_and_horned_u_after_u():
    assert ordered("Lê Đức", "Trần Dương", "Phạm Dũng") == ["Phạm Dũng", "Trần Dương", "Lê Đức"]
    assert ordered("Vũ Đào", "Vũ Dao", "Vũ Duy") == ["Vũ Dao", "Vũ Duy", "Vũ Đào"]
    assert ordered("A Ơn", "A Ôn", "A On") == ["A On", "A Ôn", "A Ơn"]
    assert ordered("A Ân", "A Ăn", "A An") == ["A An", "A Ăn", "A Ân"]


def test_tones_in_dictionary_order_after_the_letters():
    # ngang, huyền, hỏi, ngã, sắc, nặng
    names = ["Lê Ạnh", "Lê Ánh", "Lê Ãnh", "Lê Ảnh", "Lê Ành", "Lê Anh"]
    assert ordered(*names) == ["Lê Anh", "Lê Ành", "Lê Ảnh", "Lê Ãnh", "Lê Ánh", "Lê Ạnh"]
    # Letters decide before tones: Ánh (a-n-h) before Ăn (ă-n) though its tone is sắc.
    assert ordered("X Ăn", "X Ánh", "X Anh") == ["X Anh", "X Ánh", "X Ăn"]
    # The given name's tone decides before the middle name.
    assert ordered("Lê Văn Ánh", "Lê Thị Anh") == ["Lê Thị Anh", "Lê Văn Ánh"]


def test_case_spacing_and_normal_form_do_not_matter():
    nfd = unicodedata.normalize("NFD", "Nguyễn Đức Thắng")
    assert vn_sort_key("NGUYỄN  ĐỨC THẮNG ") == vn_sort_key(nfd) == vn_sort_key("nguyễn đức thắng")


def test_a_prefix_sorts_first_and_the_key_is_digits_only_and_bounded():
    assert ordered("Lê Anh", "Lê An") == ["Lê An", "Lê Anh"]
    key = vn_sort_key("Nguyễn Thị Minh Khai " + "Ư" * 400)
    assert key.isdigit() and len(key) <= SORT_KEY_MAX_LENGTH
    assert vn_sort_key("") == vn_sort_key(None) == vn_sort_key("  ") == ""
    # Text that is no Vietnamese letter still gets a key, after the letters.
    assert ordered("Lê Ω", "Lê Z") == ["Lê Z", "Lê Ω"]
