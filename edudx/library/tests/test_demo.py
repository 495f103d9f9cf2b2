import pytest

from edudx.core.demo import DemoContext
from edudx.library import demo, selectors
from edudx.library.filters import ResourceFilter
from edudx.library.models import Resource, State


@pytest.mark.django_db
def test_demo_builds_searchable_resources_in_every_state(city, monkeypatch):
    monkeypatch.setattr(demo, "TOTAL", 260)
    monkeypatch.setattr(demo, "MAX_PDFS", 1)
    ctx = DemoContext(scale="small")
    ctx.data["users"] = dict(city.users)
    demo.build(ctx)
    assert Resource.objects.count() == 260
    assert set(Resource.objects.values_list("state", flat=True)) == set(State.values)
    assert not Resource.objects.filter(state=State.PUBLISHED, licence="").exists()
    from edudx.core.scope import Scope

    result = selectors.resource_search(scope=Scope.system(), filters=ResourceFilter(q="phuong trinh bac hai"))
    assert result.page.items and "Phương trình bậc hai" in result.page.items[0].title
    # The files are real: the stored DOCX of a lesson plan opens and holds its Vietnamese text.
    from edudx.library import files

    v = Resource.objects.filter(current_version__kind="docx").first().current_version
    assert "Mục tiêu" in files.extract_text("docx", v.file.open("rb").read())


@pytest.mark.django_db
def test_demo_resources_come_from_schools_that_teach_their_grades(city, monkeypatch):
    from edudx.core.actor import Actor
    from edudx.registry import services as registry

    primary = registry.school_register(
        actor=Actor.system(), parent=city.wards[0], moet_code="79000099", name="Trường Tiểu học Thử",
        data={"level": "TH", "ownership": "cong_lap", "address": "9 Đường Số 1"},
    )  # fmt: skip
    monkeypatch.setattr(demo, "TOTAL", 260)
    monkeypatch.setattr(demo, "MAX_PDFS", 1)
    ctx = DemoContext(scale="small")
    ctx.data["users"] = dict(city.users)
    demo.build(ctx)
    from_primary = [r.grades for r in Resource.objects.filter(school=primary)]
    assert from_primary, "the only school teaching grades 1–5 contributes their resources"
    # grades 6–9 are taught by the city's THCS schools, so none of those come from the primary
    # school (the test city has no upper-secondary or preschool: those grades go anywhere)
    assert not [g for g in from_primary if 6 <= min(g) <= 9]
    assert any(min(g) <= 5 for g in from_primary)
    secondary = Resource.objects.exclude(school=primary)
    assert not [r.grades for r in secondary if 1 <= min(r.grades) <= 5]
