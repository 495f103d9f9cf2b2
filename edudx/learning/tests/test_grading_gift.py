"""Auto-grading of every item kind, item statistics, and GIFT both ways (no database)."""

import pytest

from edudx.learning import gift, grading


@pytest.mark.parametrize(
    ("kind", "data", "answer", "expected"),
    [
        ("single", {"options": ["a", "b"], "correct": [1]}, "1", 1.0),
        ("single", {"options": ["a", "b"], "correct": [1]}, "0", 0.0),
        ("single", {"options": ["a", "b"], "correct": [1]}, "x' OR 1=1", 0.0),
        ("multiple", {"options": ["a", "b", "c"], "correct": [0, 2]}, ["0", "2"], 1.0),
        ("multiple", {"options": ["a", "b", "c"], "correct": [0, 2]}, ["0"], 0.5),
        ("multiple", {"options": ["a", "b", "c"], "correct": [0, 2]}, ["0", "1", "2"], 0.5),
        ("multiple", {"options": ["a", "b", "c"], "correct": [0, 2]}, ["1"], 0.0),
        ("true_false", {"correct": True}, "true", 1.0),
        ("true_false", {"correct": True}, "false", 0.0),
        ("true_false", {"correct": False}, None, 0.0),
        ("short", {"answers": ["Hà Nội"], "fold": True}, "  ha   NOI ", 1.0),
        ("short", {"answers": ["Hà Nội"], "fold": False}, "ha noi", 0.0),
        ("short", {"answers": ["Hà Nội"], "fold": False}, "hà nội", 1.0),
        ("short", {"answers": ["Đà Lạt"], "fold": True}, "da lat", 1.0),
        ("numeric", {"value": 3.14, "tolerance": 0.01}, "3,145", 1.0),
        ("numeric", {"value": 3.14, "tolerance": 0.01}, "3.2", 0.0),
        ("numeric", {"value": 3.14, "tolerance": 0.01}, "nan", 0.0),
        ("numeric", {"value": 3.14, "tolerance": 0.01}, "inf", 0.0),
        ("matching", {"pairs": [["a", "1"], ["b", "2"]]}, {"a": "1", "b": "1"}, 0.5),
        ("matching", {"pairs": [["a", "1"], ["b", "2"]]}, "not a dict", 0.0),
        ("ordering", {"items": ["x", "y", "z"]}, ["x", "y", "z"], 1.0),
        ("ordering", {"items": ["x", "y", "z"]}, ["y", "x", "z"], 1 / 3),
        ("fill", {"blanks": [["một", "1"], ["hai"]], "fold": True}, ["1", "HAI"], 1.0),
        ("fill", {"blanks": [["một"], ["hai"]], "fold": True}, ["mot"], 0.5),
        ("essay", {}, "Bài luận", None),
    ],
)
def test_grade(kind, data, answer, expected):
    got = grading.grade(kind, data, answer)
    assert got == pytest.approx(expected) if expected is not None else got is None


def test_answer_keys_are_checked():
    assert grading.check_key("single", {"options": ["a"], "correct": [0]}) == "options"
    assert grading.check_key("single", {"options": ["a", "b"], "correct": [0, 1]}) == "options"
    assert grading.check_key("single", {"options": ["a", "b"], "correct": [5]}) == "options"
    assert grading.check_key("numeric", {"value": "abc"}) == "value"
    assert grading.check_key("single", {"options": ["a", "b"], "correct": [1]}) is None


def test_item_statistics():
    # A good item: those who got it right scored higher overall.
    p, d = grading.item_statistics([(1, 90), (1, 80), (0, 30), (0, 20)])
    assert p == 0.5 and d > 0.9
    p, d = grading.item_statistics([(1, 10), (0, 90)])
    assert d < 0
    assert grading.item_statistics([]) == (None, None)
    assert grading.item_statistics([(1, 50), (1, 60)])[1] is None  # everyone right: no discrimination


GIFT = """// Moodle export
$CATEGORY: $course$/Toán 6

::Q1:: 1/2 + 1/2 bằng bao nhiêu? {=1 ~2 ~1/4}

::Q2:: Chọn các số nguyên tố {~%50%2 ~%50%3 ~%-100%4}

Số 0 là số tự nhiên. {T}

::Thủ đô:: Thủ đô của Việt Nam là? {=Hà Nội =Ha Noi}

Số pi (2 chữ số thập phân)? {#3.14:0.005}

Ghép {=chó -> dog =mèo -> cat =gà -> chicken}

Việt Nam có {=63} tỉnh thành trước năm 2025.

Viết một đoạn về mùa thu. {}

Dấu ngoặc \\{ và dấu bằng \\= được giữ {=đúng ~sai}

Câu hỏi hỏng {=
"""


def test_gift_import_reads_every_kind():
    result = gift.parse(GIFT)
    kinds = [q.kind for q in result.questions]
    assert kinds == [
        "single",
        "multiple",
        "true_false",
        "short",
        "numeric",
        "matching",
        "fill",
        "essay",
        "single",
    ]
    q = result.questions
    assert q[0].title == "Q1" and q[0].data == {"options": ["1", "2", "1/4"], "correct": [0]}
    assert q[1].data["correct"] == [0, 1]
    assert q[2].data == {"correct": True}
    assert q[3].data["answers"] == ["Hà Nội", "Ha Noi"]
    assert q[4].data == {"value": 3.14, "tolerance": 0.005}
    assert q[5].data["pairs"][1] == ["mèo", "cat"]
    assert q[6].text == "Việt Nam có ___ tỉnh thành trước năm 2025." and q[6].data["blanks"] == [["63"]]
    assert q[8].text.startswith("Dấu ngoặc { và dấu bằng =")
    assert [n for n, _ in result.errors] == [10]


def test_gift_round_trip():
    first = gift.parse(GIFT).questions
    again = gift.parse(gift.write([(q.kind, q.title, q.text, q.data) for q in first])).questions
    assert [(q.kind, q.text, q.data) for q in again] == [(q.kind, q.text, q.data) for q in first]


def test_gift_ordering_is_written_as_a_comment_and_huge_input_is_refused():
    assert gift.write_one("ordering", "", "Xếp", {"items": ["a", "b"]}).startswith("//")
    assert gift.parse("x" * (gift.MAX_TEXT + 1)).errors == [(0, "too_large")]
    assert gift.parse("{{{{}}}}\n\n}{").questions is not None  # never raises
