"""The duplicate finder end to end: trained by EM on the data, damaged copies found, the pairs
file's exact columns, a spreadsheet checked against the registry before import, a tiny registry
refused with a code."""

import re

import pytest

from edudx.core.actor import Actor
from edudx.core.errors import ValidationFailed
from edudx.quality import services
from edudx.quality.dedupe import model, pipeline
from edudx.quality.models import MatchModel
from edudx.quality.tests.synthetic import population


@pytest.mark.django_db
def test_finds_damaged_copies_exports_pairs_and_checks_a_file_against_the_registry(city, tmp_path):
    raw, truth = population()
    result = pipeline.find_pairs(raw, "students", threshold=0.5, threads=2)
    found = {(min(a, b), max(a, b)) for a, b in result.pairs.select("unique_id_l", "unique_id_r").iter_rows()}
    assert len(found & truth) >= 0.95 * len(truth)  # no accents, family last, swapped days, ID typos
    assert len(found - truth) <= 0.1 * len(found)
    assert result.model["comparisons"] and result.model["probability_two_random_records_match"] > 0
    # Scored in chunks (bounded memory): the same pairs, the same probabilities.
    steps = []
    chunked = model.predict(pipeline.frames.matching_frame(raw), result.model, threshold=0.5, threads=2,
                            chunk_rows=raw.height // 3 + 1, progress=lambda i, n: steps.append((i, n)))  # fmt: skip
    assert steps == [(1, 3), (2, 3), (3, 3)]
    assert chunked.sort("unique_id_l", "unique_id_r").equals(result.pairs.sort("unique_id_l", "unique_id_r"))

    out = tmp_path / "pairs.csv"
    services.export_pairs(pipeline.with_codes(result.pairs, raw), "students", out)
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "school_code_a,student_code_a,school_code_b,student_code_b,probability"
    assert len(lines) == len(found) + 1
    assert not re.search(r"\d{12}", out.read_text())  # codes only, never a personal ID

    # A spreadsheet before import: the city's first pupil typed again without accents, with
    # one digit of the ID wrong (a row the importer refuses), and a stranger.
    MatchModel.objects.create(kind="students", version=1, params=result.model)
    pupil = city.students[0]
    wrong = pupil.personal_id[:-1] + str((int(pupil.personal_id[-1]) + 1) % 10)
    sheet = tmp_path / "hs.csv"
    sheet.write_text(
        "Mã trường,Mã học sinh,Họ và tên,Ngày sinh,Giới tính,Số định danh cá nhân,SĐT phụ huynh,Lớp,Năm học\n"
        f"{pupil.school.moet_code},,Nguyen Van An Paa,01/03/2014,Nam,{wrong},0901234567,6A1,2025-2026\n"
        f"{pupil.school.moet_code},,Lò Thị Sáu,07/07/2013,Nữ,,0911111111,6A1,2025-2026\n",
        encoding="utf-8",
    )
    export = tmp_path / "file_pairs.csv"
    pairs = services.dedupe_file(actor=Actor.system(), kind="students", path=sheet, export=export)
    codes = set(pairs["code_a"].to_list()) | set(pairs["code_b"].to_list())
    assert pupil.moet_code in codes and "#2" in codes and "#3" not in codes
    assert export.read_text(encoding="utf-8-sig").splitlines()[0].startswith("school_code_a,student_code_a")


@pytest.mark.django_db
def test_a_registry_too_small_to_learn_from_is_refused_with_a_code(city):
    with pytest.raises(ValidationFailed) as exc:
        services.dedupe_registry(actor=Actor.system(), kind="staff")
    assert exc.value.code == "dedupe_cannot_train"


def test_pairs_headers_name_staff_codes():
    assert services.pair_headers("staff") == ["school_code_a", "staff_code_a", "school_code_b", "staff_code_b",
                                              "probability"]  # fmt: skip


def test_unreadable_file_is_a_coded_refusal(tmp_path, db):
    bad = tmp_path / "x.csv"
    bad.write_bytes(b"")
    with pytest.raises(ValidationFailed):
        services.dedupe_file(actor=Actor.system(), kind="students", path=bad)
    headless = tmp_path / "y.csv"
    headless.write_text("a,b\n1,2\n", encoding="utf-8")  # no column the importer knows
    with pytest.raises(ValidationFailed):
        services.dedupe_file(actor=Actor.system(), kind="students", path=headless)


def test_a_file_with_a_header_and_no_rows_has_no_pairs(tmp_path, db):
    sheet = tmp_path / "hs.csv"
    sheet.write_text("Mã trường,Mã học sinh,Họ và tên,Ngày sinh,Giới tính,Lớp,Năm học\n", encoding="utf-8")
    out = tmp_path / "p.csv"
    assert services.dedupe_file(actor=Actor.system(), kind="students", path=sheet, export=out).height == 0
    assert out.read_text(encoding="utf-8-sig").strip() == ",".join(services.pair_headers("students"))


def test_a_registry_without_a_single_exact_duplicate_still_trains(db):
    """A clean staff registry: no pair agrees on name, birth date and phone, so the prior is
    estimated 0 (Splink's log of it fails) and no two share a phone — a floor and the first
    block's parameters let the model train and score."""
    import polars as pl

    from edudx.quality.dedupe import frames

    raw, truth = population(n=1500, dups=0)
    clean = raw.with_columns(
        pl.format("09{}", pl.col("unique_id").cast(pl.String).str.zfill(8)).alias("phone")
    )
    params = model.train(frames.matching_frame(clean), "staff", threads=2)
    assert params["probability_two_random_records_match"] > 0
    scored = model.predict(frames.matching_frame(clean), params, threshold=0.99)
    assert scored.columns == ["unique_id_l", "unique_id_r", "match_probability"]
    assert scored.height < clean.height / 20  # a small population of few names: some namesakes
