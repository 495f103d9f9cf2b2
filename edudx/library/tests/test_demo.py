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
