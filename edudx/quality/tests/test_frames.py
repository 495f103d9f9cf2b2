"""The matching frame reads names, IDs and dates the way the importer does."""

import datetime as dt

import polars as pl

from edudx.quality.dedupe import frames, model


def _raw(rows):
    return frames.raw_frame(rows)


def test_names_folded_repaired_and_split_into_parts():
    raw = _raw(
        [
            (1, "79001", "1", "Nguyễn Trần Minh Nghĩa", dt.date(2015, 7, 10), "male", "079215457734", "01",
             "0901 234 567", "6a1", "Nguyễn Văn Minh"),
            (2, "79002", "2", "NguyÔn TrÇn Minh NghÜa", dt.date(2015, 10, 7), "male", None, "01", None, None, None),
            (3, "79003", "3", "Tran Minh Nghia Nguyen", dt.date(2015, 7, 10), "male", "079 215 457 743", "",
             "0901234567", "6A1", "Nguyen Van Minh"),
        ]
    )  # fmt: skip
    f = frames.matching_frame(raw).sort("unique_id")
    assert f["name_folded"].to_list() == ["nguyen tran minh nghia"] * 2 + ["tran minh nghia nguyen"]
    assert f["given"].to_list() == ["nghia", "nghia", "nguyen"]
    assert f["family"].to_list() == ["nguyen", "nguyen", "tran"]
    assert f["tokens_key"].n_unique() == 1  # family name typed last: the same words
    assert f["pid"].to_list() == ["079215457734", None, "079215457743"]  # separators dropped
    assert f["phone_digits"].to_list() == ["0901234567", None, "0901234567"]
    # day and month swapped: the same unordered pair
    assert f.select("dm_low", "dm_high").unique().height == 1
    assert f["ethnicity"].to_list() == ["01", "01", None]
    assert f["parents_folded"].to_list() == ["nguyen van minh", None, "nguyen van minh"]


def test_every_blocking_rule_and_comparison_names_a_frame_column():
    f = frames.matching_frame(
        _raw([(1, "1", "1", "An", dt.date(2015, 1, 1), "male", None, None, None, None, None)])
    )
    text = str([r.get_blocking_rule("duckdb").blocking_rule_sql for r in model.blocking_rules()])
    for col in (
        "given",
        "dob",
        "family",
        "tokens_key",
        "pid_tail",
        "pid_head",
        "phone_digits",
        "parents_folded",
    ):
        assert col in f.columns and f'l."{col}"' in text


def test_shared_value_rate_counts_pairs_exactly():
    f = pl.DataFrame({"phone_digits": ["1", "1", "1", "2", None]})
    assert model.shared_value_rate(f, "phone_digits") == 3 / 10


def test_staff_are_compared_and_blocked_on_their_own_email():
    row = (1, "79001", "GV1", "Lê Thị Hoa", dt.date(1985, 3, 2), "female", None, "01", None, None, None)
    f = frames.matching_frame(_raw([(*row, " Hoa.Le@Truong.edu.vn "), (*row[:-1], None, "")]))
    assert f["email"].to_list() == ["hoa.le@truong.edu.vn", None]
    pupils = frames.matching_frame(_raw([row]))  # a source without e-mail leaves it out
    assert pupils["email"].to_list() == [None]
    names = lambda kind: {c.get_comparison("duckdb").output_column_name for c in model.comparisons(kind)}  # noqa: E731
    assert "email" in names("staff") and "email" not in names("students")
    text = str([r.get_blocking_rule("duckdb").blocking_rule_sql for r in model.blocking_rules()])
    assert 'l."email" = r."email"' in text
