import pytest

from edudx.core.errors import Conflict, PermissionDenied, ValidationFailed
from edudx.core.history import entries_for
from edudx.library import selectors, services
from edudx.library.models import State
from edudx.library.schemas import CollectionIn, ResourceIn

from .helpers import docx_bytes, make_resource, pdf_bytes, png_bytes, publish


@pytest.mark.django_db
def test_upload_keeps_metadata_text_and_a_first_version(city):
    r = make_resource(city, upload=("a.docx", docx_bytes("Định lí Vi-ét và ứng dụng")))
    assert r.state == State.DRAFT
    assert r.current_version.number == 1
    assert r.current_version.kind == "docx"
    assert "Định lí Vi-ét" in r.current_version.extracted_text
    assert "dinh li vi-et" in r.search_body or "dinh li vi" in r.search_body
    assert r.search_title == "phuong trinh bac hai mot an"
    assert r.grades == [9]


@pytest.mark.django_db
def test_new_version_keeps_the_old_one_and_sends_a_published_resource_back_to_review(city):
    r = publish(city, make_resource(city))
    v2 = services.version_add(
        actor=city.actor_of("teacher"),
        resource=r,
        name="b.pdf",
        data=pdf_bytes("Bản sửa đổi"),
        note="sửa lỗi",
    )
    r.refresh_from_db()
    assert [v.number for v in selectors.resource_versions(r)] == [2, 1]
    assert r.current_version == v2 and v2.kind == "pdf"
    assert "Bản sửa đổi" in v2.extracted_text
    assert v2.thumbnail  # first page rendered
    assert r.state == State.DRAFT
    assert [e.action for e in entries_for(r)][:2] == ["unpublish", "version"] or "version" in [
        e.action for e in entries_for(r)
    ]


@pytest.mark.django_db
def test_workflow_every_step_is_in_history(city):
    r = make_resource(city)
    services.resource_submit(actor=city.actor_of("teacher"), resource=r)
    services.resource_return(actor=city.actor_of("dept_officer"), resource=r, comment="Thiếu đáp án")
    r.refresh_from_db()
    assert r.state == State.RETURNED and r.review_comment == "Thiếu đáp án"
    services.resource_submit(actor=city.actor_of("teacher"), resource=r)
    services.resource_review(actor=city.actor_of("dept_officer"), resource=r)
    services.resource_publish(actor=city.actor_of("dept_admin"), resource=r)
    services.resource_takedown(actor=city.actor_of("dept_officer"), resource=r, reason="Vi phạm bản quyền")
    r.refresh_from_db()
    assert r.state == State.TAKEN_DOWN and r.takedown_reason == "Vi phạm bản quyền"
    actions = [e.action for e in entries_for(r)]
    for a in ("create", "version", "submit", "return", "review", "publish", "takedown"):
        assert a in actions


@pytest.mark.django_db
def test_a_resource_without_licence_cannot_be_published(city):
    r = make_resource(city, data={"licence": ""})
    services.resource_submit(actor=city.actor_of("teacher"), resource=r)
    with pytest.raises(ValidationFailed) as exc:
        services.resource_publish(actor=city.actor_of("dept_officer"), resource=r)
    assert exc.value.code == "licence_required"
    r.refresh_from_db()
    assert r.state == State.SUBMITTED


@pytest.mark.django_db
def test_return_needs_a_comment_and_takedown_a_reason(city):
    r = make_resource(city)
    services.resource_submit(actor=city.actor_of("teacher"), resource=r)
    with pytest.raises(ValidationFailed):
        services.resource_return(actor=city.actor_of("dept_officer"), resource=r, comment="  ")
    services.resource_publish(actor=city.actor_of("dept_officer"), resource=r)
    with pytest.raises(ValidationFailed):
        services.resource_takedown(actor=city.actor_of("dept_officer"), resource=r, reason="")


@pytest.mark.django_db
def test_teacher_cannot_publish_and_nobody_publishes_a_draft(city):
    r = make_resource(city)
    with pytest.raises(PermissionDenied):
        services.resource_publish(actor=city.actor_of("teacher"), resource=r)
    with pytest.raises(Conflict):
        services.resource_publish(actor=city.actor_of("dept_officer"), resource=r)


@pytest.mark.django_db
def test_school_admin_reviews_own_school_but_not_own_resource_nor_other_schools(city):
    own = make_resource(city, role="school_admin")
    services.resource_submit(actor=city.actor_of("school_admin"), resource=own)
    with pytest.raises(PermissionDenied):
        services.resource_publish(actor=city.actor_of("school_admin"), resource=own)
    colleague = make_resource(city, role="teacher")
    services.resource_submit(actor=city.actor_of("teacher"), resource=colleague)
    services.resource_publish(actor=city.actor_of("school_admin"), resource=colleague)
    from edudx.core.actor import Actor

    sys = Actor.system()
    b1 = services.resource_create(
        actor=sys,
        school=city.schools[2],
        data=ResourceIn(title="B1", resource_type="image", subject="toan", licence="CC0-1.0", grades=[6]),
        upload=("x.png", png_bytes()),
    )
    services.resource_submit(actor=sys, resource=b1)
    with pytest.raises(PermissionDenied):
        services.resource_publish(actor=city.actor_of("school_admin"), resource=b1)


@pytest.mark.django_db
def test_teacher_cannot_contribute_for_another_school(city):
    with pytest.raises(PermissionDenied):
        make_resource(city, school=city.schools[2])


@pytest.mark.django_db
def test_web_link_needs_an_address(city):
    with pytest.raises(ValidationFailed):
        make_resource(city, data={"resource_type": "link", "url": ""})
    r = make_resource(city, data={"resource_type": "link", "url": "https://hoc10.vn/bai-1"})
    assert r.is_link and r.current_version is None


@pytest.mark.django_db
def test_ratings_average_and_one_per_user(city):
    r = publish(city, make_resource(city))
    services.rating_set(actor=city.actor_of("teacher"), resource=r, stars=5)
    services.rating_set(actor=city.actor_of("teacher"), resource=r, stars=3)
    services.rating_set(actor=city.actor_of("viewer"), resource=r, stars=4)
    r.refresh_from_db()
    assert r.rating_count == 2 and r.rating == 3.5


@pytest.mark.django_db
def test_collection_is_ordered_with_notes_and_reorderable(city):
    a = publish(city, make_resource(city, title="Bài 1"))
    b = publish(city, make_resource(city, title="Bài 2"))
    actor = city.actor_of("teacher")
    c = services.collection_create(
        actor=actor, school=city.schools[0], data=CollectionIn(title="Chương IV", visibility="school")
    )
    i1 = services.collection_add(actor=actor, collection=c, resource=a, note="Khởi động")
    i2 = services.collection_add(actor=actor, collection=c, resource=b)
    assert [i.resource for i in selectors.collection_items(scope=actor.scope, collection=c)] == [a, b]
    services.collection_reorder(actor=actor, collection=c, item_ids=[i2.pk, i1.pk])
    items = selectors.collection_items(scope=actor.scope, collection=c)
    assert [i.resource for i in items] == [b, a] and items[1].note == "Khởi động"
    with pytest.raises(PermissionDenied):
        services.collection_add(actor=city.actor_of("school_admin"), collection=c, resource=a)
    with pytest.raises(Conflict):
        services.collection_add(actor=actor, collection=c, resource=a)
