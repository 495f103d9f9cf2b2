"""Merge field by field, every reference moved, history on both, exact unmerge, scope, races."""

import pytest
from django.core import serializers

from edudx.core.errors import Conflict, PermissionDenied
from edudx.core.history import entries_for
from edudx.core.roles import Role
from edudx.quality import selectors, services
from edudx.quality.models import CandidatePair, Merge, PairState
from edudx.registry.models import Enrolment, Student


def _row(pk):
    return serializers.serialize("python", Student.objects.filter(pk=pk))[0]


def test_merge_takes_chosen_fields_moves_references_and_unmerge_restores_exactly(city, twin):
    original, copy, pair = twin["original"], twin["copy"], twin["pair"]
    before_original, before_copy = _row(original.pk), _row(copy.pk)
    enrolments_before = sorted(
        Enrolment.objects.filter(student__in=[original, copy]).values_list("pk", "student_id")
    )
    officer = city.actor_of(Role.DEPT_OFFICER)

    merge = services.pair_merge(
        actor=officer, pair=pair, survivor_id=original.pk, take=["parent_phone", "father_name"]
    )

    survivor = Student.objects.get(pk=original.pk)
    assert survivor.parent_phone == "0987654321" and survivor.father_name == "Nguyễn Văn Bố"
    assert survivor.full_name == original.full_name and survivor.personal_id == original.personal_id
    assert not Student.objects.filter(pk=copy.pk).exists()
    # The copy's active enrolment could not join the survivor's (one active per year): kept whole.
    assert merge.snapshot["kept"] and merge.snapshot["kept"][0]["model"] == "registry.enrolment"
    assert CandidatePair.objects.get(pk=pair.pk).state == PairState.MERGED
    assert [e.action for e in entries_for(survivor)][:1] == ["merge"]
    assert "merge" in [e.action for e in entries_for(Student(pk=copy.pk))]

    services.merge_undo(actor=officer, merge=merge)

    assert _row(original.pk) == before_original
    assert _row(copy.pk) == before_copy
    assert sorted(Enrolment.objects.filter(student__in=[original, copy]).values_list("pk", "student_id")) == (
        enrolments_before
    )
    assert CandidatePair.objects.get(pk=pair.pk).state == PairState.OPEN
    assert Merge.objects.get(pk=merge.pk).state == "undone"
    assert [e.action for e in entries_for(Student(pk=copy.pk))][:2] == ["unmerge", "merge"] or {
        "merge",
        "unmerge",
    } <= {e.action for e in entries_for(Student(pk=copy.pk))}
    assert {"merge", "unmerge"} <= {e.action for e in entries_for(survivor)}


def test_a_moved_enrolment_of_another_year_follows_the_survivor(city, twin):
    original, copy, pair = twin["original"], twin["copy"], twin["pair"]
    Enrolment.objects.filter(student=copy).update(state="transferred")  # no longer clashes
    moved = list(Enrolment.objects.filter(student=copy).values_list("pk", flat=True))
    merge = services.pair_merge(
        actor=city.actor_of(Role.DEPT_ADMIN), pair=pair, survivor_id=original.pk, take=[]
    )
    assert set(Enrolment.objects.filter(pk__in=moved).values_list("student_id", flat=True)) == {original.pk}
    assert not merge.snapshot["kept"]
    services.merge_undo(actor=city.actor_of(Role.DEPT_ADMIN), merge=merge)
    assert set(Enrolment.objects.filter(pk__in=moved).values_list("student_id", flat=True)) == {copy.pk}


def test_second_merge_of_one_pair_gets_a_conflict(city, twin):
    officer = city.actor_of(Role.DEPT_OFFICER)
    pair = twin["pair"]
    stale = CandidatePair.objects.get(pk=pair.pk)  # the other officer's copy, read before the merge
    services.pair_merge(actor=officer, pair=pair, survivor_id=pair.record_a, take=[])
    with pytest.raises(Conflict) as exc:
        services.pair_merge(actor=officer, pair=stale, survivor_id=stale.record_b, take=[])
    assert exc.value.code == "pair_already_decided"


def test_a_school_sees_the_pair_but_cannot_merge_across_scopes(city, twin):
    admin_a1 = city.actor_of(Role.SCHOOL_ADMIN)
    pair = selectors.pair_get(scope=admin_a1.scope, pk=twin["pair"].pk)
    with pytest.raises(PermissionDenied) as exc:
        services.pair_merge(actor=admin_a1, pair=pair, survivor_id=pair.record_a, take=[])
    assert exc.value.code == "merge_needs_both_scopes"
    assert Student.objects.filter(pk=twin["copy"].pk).exists()


def test_pairs_are_scoped_by_both_schools(city, twin):
    from edudx.core.errors import NotFound

    assert selectors.pair_list(scope=city.scope_of(Role.DEPT_OFFICER)).count() == 1
    assert selectors.pair_list(scope=city.scope_of(Role.WARD_OFFICER)).count() == 1  # ward A holds A1
    assert selectors.pair_list(scope=city.scope_of(Role.TEACHER)).count() == 0
    with pytest.raises(NotFound):
        selectors.pair_get(scope=city.scope_of(Role.TEACHER), pk=twin["pair"].pk)


def test_different_is_remembered_and_never_proposed_again(city, twin):
    import polars as pl

    from edudx.quality.models import MatchModel

    pair = twin["pair"]
    services.pair_decide(actor=city.actor_of(Role.SCHOOL_ADMIN), pair=pair, decision="different")
    model = MatchModel.objects.create(kind="students", version=1, params={})
    again = pl.DataFrame(
        {
            "unique_id_l": [pair.record_a], "unique_id_r": [pair.record_b], "match_probability": [0.999],
            "school_code_a": ["x"], "code_a": ["1"], "school_code_b": ["y"], "code_b": ["2"],
        }
    )  # fmt: skip
    services._store_pairs("students", again, run=None, model=model)
    stored = CandidatePair.objects.get(pk=pair.pk)
    assert stored.state == PairState.DIFFERENT and stored.probability == pytest.approx(0.993)
    assert selectors.pair_list(scope=city.scope_of(Role.DEPT_OFFICER)).count() == 0


def test_unsure_goes_up_and_a_bad_decision_is_refused(city, twin):
    from edudx.core.errors import ValidationFailed

    pair = twin["pair"]
    with pytest.raises(ValidationFailed):
        services.pair_decide(actor=city.actor_of(Role.SCHOOL_ADMIN), pair=pair, decision="merged")
    services.pair_decide(actor=city.actor_of(Role.SCHOOL_ADMIN), pair=pair, decision="unsure")
    unsure = selectors.pair_list(scope=city.scope_of(Role.DEPT_OFFICER), state="unsure")
    assert [p.pk for p in unsure] == [pair.pk]


def test_pairs_above_the_department_threshold_merge_themselves_and_are_listed_for_audit(city, twin):
    from edudx.core.actor import Actor
    from edudx.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.settings_update(actor=Actor.system(), auto_merge_threshold=0.2)
    services.settings_update(actor=Actor.system(), auto_merge_threshold=0.999)
    assert services.auto_merge(actor=Actor.system(), kind="students") == 0  # 0.993 is below
    services.settings_update(actor=Actor.system(), auto_merge_threshold=0.99)
    assert services.auto_merge(actor=Actor.system(), kind="students") == 1
    audit = selectors.merge_list(scope=city.scope_of(Role.DEPT_OFFICER), auto=True)
    assert [m.pair_id for m in audit] == [twin["pair"].pk]
    assert not Student.objects.filter(pk=twin["pair"].record_b).exists()
    with pytest.raises(PermissionDenied):
        services.settings_update(actor=city.actor_of(Role.SCHOOL_ADMIN), auto_merge_threshold=0.95)
    services.settings_update(actor=city.actor_of(Role.DEPT_ADMIN), auto_merge_threshold=None)
    assert selectors.settings_get().auto_merge_threshold is None


def test_merge_repoints_or_closes_the_merged_records_other_pairs_and_undo_puts_them_back(city, twin):
    original, copy, pair = twin["original"], twin["copy"], twin["pair"]
    third, fourth = city.students[3], city.students[4]  # A2's pupils

    # The copy is also paired with a third pupil (re-pointed at the survivor) and with the
    # original's existing partner `fourth` (closed: the survivor already has that pair).
    def make(x, y, school_x, school_y):
        lo, hi = sorted((x.pk, y.pk))
        s_lo, s_hi = (school_x, school_y) if x.pk == lo else (school_y, school_x)
        return CandidatePair.objects.create(kind="students", record_a=lo, record_b=hi, school_a=s_lo,
                                            school_b=s_hi, probability=0.7)  # fmt: skip

    moved = make(copy, third, copy.school, third.school)
    closing = make(copy, fourth, copy.school, fourth.school)
    make(original, fourth, original.school, fourth.school)
    moved_before = CandidatePair.objects.filter(pk=moved.pk).values().get()
    officer = city.actor_of(Role.DEPT_OFFICER)

    merge = services.pair_merge(actor=officer, pair=pair, survivor_id=original.pk, take=[])

    moved.refresh_from_db()
    assert {moved.record_a, moved.record_b} == {original.pk, third.pk} and moved.state == PairState.OPEN
    assert original.school_id in (moved.school_a_id, moved.school_b_id)
    assert CandidatePair.objects.get(pk=closing.pk).state == PairState.CLOSED

    services.merge_undo(actor=officer, merge=merge)

    assert CandidatePair.objects.filter(pk=moved.pk).values().get() == moved_before
    assert CandidatePair.objects.get(pk=closing.pk).state == PairState.OPEN
