from decimal import Decimal

from edudx.infrastructure import readiness, thresholds

T = {p.code: p.default for p in thresholds.PARAMETERS}
COSTS = thresholds.DEFAULT_UNIT_COSTS_VND


def test_a_school_meeting_every_threshold_needs_nothing():
    x = readiness.SchoolInputs(
        pupils=400,
        computers_working=25,
        devices_total=60,
        devices_recorded=60,
        declared_total=60,
        teaching_rooms=10,
        teaching_rooms_ready=10,
        labs=1,
        download_mbps=100,
        informatics_classes=10,
    )
    r = readiness.compute_one(1, x, T, COSTS)
    assert r.below == [] and r.needs == {} and r.cost_vnd == 0 and r.score == 1.0
    assert r.pupils_per_computer == 16 and r.kbps_per_pupil == 250 and r.lab_ratio == 3.0


def test_gaps_are_turned_into_devices_and_cost():
    # 1,000 pupils and 10 working computers: 20 per computer allowed → 50 needed → 40 more.
    x = readiness.SchoolInputs(
        pupils=1000,
        computers_working=10,
        devices_total=40,
        devices_broken=10,
        teaching_rooms=20,
        teaching_rooms_ready=8,
        teaching_rooms_without_display=10,
        teaching_rooms_without_internet=4,
        labs=0,
        download_mbps=20,
        informatics_classes=20,
    )
    r = readiness.compute_one(7, x, T, COSTS)
    assert set(r.below) == {
        "pupils_per_computer",
        "presentation_share",
        "kbps_per_pupil",
        "lab_ratio",
        "broken_share",
    }
    # 80 % of 20 rooms = 16 ready rooms needed, 8 missing, all can get a projector.
    assert r.needs["projector"] == 8
    # 40 computers for the ratio + one lab of 35 seats for 20 Informatics periods a week.
    assert r.needs["desktop"] == 40 + 35
    assert r.extra_mbps == 50 - 20
    expected = 75 * COSTS["desktop"] + 8 * COSTS["projector"] + int(30 * float(T["mbps_unit_cost_vnd"]) * 12)
    assert r.cost_vnd == expected
    assert 0 <= r.score < 0.5


def test_thresholds_are_data_a_looser_rule_clears_a_gap():
    x = readiness.SchoolInputs(pupils=300, computers_working=10, informatics_classes=8)
    strict = readiness.compute_one(1, x, T, COSTS)
    loose = readiness.compute_one(1, x, {**T, "max_pupils_per_computer": Decimal(40)}, COSTS)
    assert "pupils_per_computer" in strict.below and "pupils_per_computer" not in loose.below


def test_a_school_with_no_data_reports_no_indicator_rather_than_zero():
    r = readiness.compute_one(1, readiness.SchoolInputs(), T, COSTS)
    assert r.pupils_per_computer is None and r.presentation_share is None and r.digital_record_share is None


def test_preschools_are_not_held_to_a_computer_ratio():
    # Preschool has no Informatics in GDPT 2018: no computers per pupil expected.
    x = readiness.SchoolInputs(
        pupils=300, computers_working=2, informatics_classes=0, teaching_rooms=10, teaching_rooms_ready=10
    )
    r = readiness.compute_one(1, x, T, COSTS)
    assert r.pupils_per_computer is None and "pupils_per_computer" not in r.below and "desktop" not in r.needs
