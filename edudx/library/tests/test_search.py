import pytest

from edudx.library import selectors
from edudx.library.filters import ResourceFilter

from .helpers import docx_bytes, make_resource, publish


def titles(result):
    return [r.title for r in result.page.items]


@pytest.fixture
def corpus(city):
    body_only = publish(
        city,
        make_resource(
            city,
            title="Ôn tập chương IV",
            data={"description": "Giải phương trình bậc hai bằng công thức nghiệm; phương trình bậc hai"},
            upload=("a.docx", docx_bytes("phương trình bậc hai, phương trình bậc hai, phương trình bậc hai")),
        ),
    )
    title = publish(city, make_resource(city, title="Phương trình bậc hai một ẩn"))
    other = publish(
        city,
        make_resource(
            city,
            title="Quang hợp ở thực vật",
            data={"subject": "sinh_hoc", "resource_type": "presentation"},
            grades=(11,),
        ),
    )
    dat = publish(
        city,
        make_resource(city, title="Đất nước – Nguyễn Khoa Điềm", data={"subject": "ngu_van"}, grades=(12,)),
    )
    draft = make_resource(city, title="Phương trình bậc hai (bản nháp)")
    return {"body_only": body_only, "title": title, "other": other, "dat": dat, "draft": draft}


@pytest.mark.django_db
def test_unaccented_query_ranks_the_title_match_first(city, corpus):
    scope = city.scope_of("viewer")
    result = selectors.resource_search(scope=scope, filters=ResourceFilter(q="phuong trinh bac hai"))
    assert titles(result)[0] == "Phương trình bậc hai một ẩn"
    assert "Ôn tập chương IV" in titles(result)
    assert "Quang hợp ở thực vật" not in titles(result)


@pytest.mark.django_db
def test_search_folds_d_stroke_and_matches_finished_words_whole(city, corpus):
    scope = city.scope_of("viewer")
    assert titles(selectors.resource_search(scope=scope, filters=ResourceFilter(q="dat nuoc")))[0].startswith(
        "Đất"
    )
    # A submitted query's last word is finished: matched whole; a one-letter word never
    # expands to every word with that initial — a search it empties is the one without it.
    assert titles(selectors.resource_search(scope=scope, filters=ResourceFilter(q="quang ho"))) == []
    without = selectors.resource_search(scope=scope, filters=ResourceFilter(q="quang h"))
    assert titles(without) == ["Quang hợp ở thực vật"] and without.corrected == "quang"
    assert titles(selectors.resource_search(scope=scope, filters=ResourceFilter(q="quang hop"))) == [
        "Quang hợp ở thực vật"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["viewer", "teacher"])
def test_a_filter_that_empties_the_page_is_not_taken_for_a_typo(city, corpus, role):
    # "quang hop" matches (biology); with the maths filter nothing passes. Changing a word to
    # "quan" would find the maths resource below, but the words were typed right: no "Did you
    # mean", an empty page. A real typo under the same filter is still corrected.
    publish(city, make_resource(city, title="Quan hợp các tập hợp", data={"subject": "toan"}))
    scope = city.scope_of(role)
    filtered = selectors.resource_search(scope=scope, filters=ResourceFilter(q="quang hop", subject="toan"))
    assert (titles(filtered), filtered.corrected, filtered.total) == ([], "", 0)
    typo = selectors.resource_search(scope=scope, filters=ResourceFilter(q="qaung hop", subject="sinh_hoc"))
    assert (titles(typo), typo.corrected) == (["Quang hợp ở thực vật"], "quang hop")


@pytest.mark.django_db
def test_extracted_text_is_searched(city, corpus):
    r = publish(
        city,
        make_resource(city, title="Tài liệu A", upload=("x.docx", docx_bytes("Định luật Ôm cho đoạn mạch"))),
    )
    scope = city.scope_of("viewer")
    assert titles(selectors.resource_search(scope=scope, filters=ResourceFilter(q="dinh luat om"))) == [
        r.title
    ]


@pytest.mark.django_db
def test_drafts_are_not_in_search(city, corpus):
    result = selectors.resource_search(scope=city.scope_of("teacher"), filters=ResourceFilter(q="ban nhap"))
    assert titles(result) == []


@pytest.mark.django_db
def test_facets_count_subjects_grades_and_types(city, corpus):
    result = selectors.resource_search(scope=city.scope_of("viewer"), filters=ResourceFilter())
    assert result.total == 4
    assert dict(result.facets["subject"]) == {"toan": 2, "sinh_hoc": 1, "ngu_van": 1}
    assert dict(result.facets["grade"]) == {"9": 2, "11": 1, "12": 1}
    assert dict(result.facets["resource_type"]) == {"document": 3, "presentation": 1}
    filtered = selectors.resource_search(scope=city.scope_of("viewer"), filters=ResourceFilter(grade=9))
    assert filtered.total == 2


@pytest.mark.django_db
def test_sort_by_most_used(city, corpus):
    from edudx.library import services

    for _ in range(3):
        services.use_record(actor=city.actor_of("viewer"), resource=corpus["other"], kind="view")
    result = selectors.resource_search(
        scope=city.scope_of("viewer"), filters=ResourceFilter(sort="most_used")
    )
    assert titles(result)[0] == "Quang hợp ở thực vật"


@pytest.mark.django_db
def test_most_used_this_month_lists_published_resources_only(city, corpus):
    import datetime as dt

    from django.utils import timezone

    from edudx.library import services
    from edudx.library.models import Resource

    for _ in range(2):
        services.use_record(actor=city.actor_of("viewer"), resource=corpus["other"], kind="view")
    services.use_record(actor=city.actor_of("viewer"), resource=corpus["title"], kind="view")
    since = timezone.now() - dt.timedelta(days=1)
    scope = city.scope_of("viewer")
    assert [r.title for r in selectors.most_used(scope=scope, since=since)] == [
        "Quang hợp ở thực vật",
        "Phương trình bậc hai một ẩn",
    ]
    Resource.objects.filter(pk=corpus["other"].pk).update(state="taken_down")
    assert [r.title for r in selectors.most_used(scope=scope, since=since)] == ["Phương trình bậc hai một ẩn"]


@pytest.mark.django_db
def test_suggestions_match_title_words_as_typed(city, corpus):
    got = [r.title for r in selectors.suggestions(scope=city.scope_of("viewer"), q="phuong tr")]
    assert got == ["Phương trình bậc hai một ẩn"]


@pytest.mark.django_db
def test_relevance_pages_continue_with_the_cursor(city, corpus):
    scope = city.scope_of("viewer")
    first = selectors.resource_search(scope=scope, filters=ResourceFilter(q="phuong trinh"), limit=1)
    second = selectors.resource_search(
        scope=scope, filters=ResourceFilter(q="phuong trinh"), limit=1, cursor=first.page.next_cursor
    )
    assert titles(first) != titles(second) and len(titles(second)) == 1


@pytest.mark.django_db
def test_the_words_in_order_beat_the_same_words_scattered(city):
    publish(city, make_resource(city, title="Hệ hai phương trình bậc nhất hai ẩn"))
    publish(city, make_resource(city, title="Kế hoạch bài dạy: Phương trình bậc hai một ẩn"))
    result = selectors.resource_search(
        scope=city.scope_of("viewer"), filters=ResourceFilter(q="phuong trinh bac hai")
    )
    assert titles(result) == [
        "Kế hoạch bài dạy: Phương trình bậc hai một ẩn",
        "Hệ hai phương trình bậc nhất hai ẩn",
    ]


@pytest.mark.django_db
def test_a_full_window_falls_back_to_the_exact_ranking(city, corpus, monkeypatch):
    from edudx.library import search

    scope = city.scope_of("viewer")
    windowed = titles(
        selectors.resource_search(scope=scope, filters=ResourceFilter(q="phuong trinh bac hai"))
    )
    monkeypatch.setattr(search, "CANDIDATES", 1)
    monkeypatch.setattr(search, "PHRASE_CANDIDATES", 1)
    exact = titles(selectors.resource_search(scope=scope, filters=ResourceFilter(q="phuong trinh bac hai")))
    assert windowed[0] == exact[0] == "Phương trình bậc hai một ẩn"
    assert sorted(windowed) == sorted(exact)


@pytest.mark.django_db
@pytest.mark.parametrize("filters", [{}, {"subject": "toan"}, {"grade": 12}])
def test_past_the_walked_windows_the_exact_ranking_keeps_the_filters(city, corpus, monkeypatch, filters):
    """Windows that walked too few matches for the page (a filter few pass): the exact ranking
    of every match that passes — on SQLite over the facet rows (search_facets.exact_sql), on
    PostgreSQL over the ORM — gives the windows' page, the filters kept."""
    from edudx.library import search, search_facets

    scope = city.scope_of("viewer")
    f = ResourceFilter(q="phuong trinh bac hai", **filters)
    windowed = titles(selectors.resource_search(scope=scope, filters=f))
    monkeypatch.setattr(search_facets, "WALKS", (1, 1, 1))
    monkeypatch.setattr(search, "CANDIDATES", 1)
    monkeypatch.setattr(search, "PHRASE_CANDIDATES", 1)
    exact = titles(selectors.resource_search(scope=scope, filters=f))
    assert sorted(windowed) == sorted(exact)
    assert exact == (
        [] if filters.get("grade") == 12 else ["Phương trình bậc hai một ẩn", "Ôn tập chương IV"]
    )


@pytest.mark.django_db
def test_facets_past_the_cap_count_the_newest_matches_and_say_so(city, corpus, monkeypatch):
    from edudx.library import search

    scope = city.scope_of("viewer")
    # "phuong trinh bac hai" matches the body-only and the title resources (the draft too,
    # which the sample holds but the counts leave out).
    exact = selectors.resource_search(scope=scope, filters=ResourceFilter(q="phuong trinh bac hai"))
    assert (exact.total, exact.capped) == (2, False)
    monkeypatch.setattr(search, "FACET_CAP", 2)  # the newest two matches: the title one and the draft
    capped = selectors.resource_search(scope=scope, filters=ResourceFilter(q="phuong trinh bac hai"))
    assert (capped.total, capped.capped) == (1, True)
    assert dict(capped.facets["subject"]) == {"toan": 1}
    assert titles(capped) == titles(exact)  # the page itself is not sampled
    browse = selectors.resource_search(scope=scope, filters=ResourceFilter())
    # No query: the newest two resources, the draft and "Đất nước" (published).
    assert (browse.total, browse.capped) == (1, True)
    assert dict(browse.facets["subject"]) == {"ngu_van": 1}


@pytest.mark.sqlite_only
@pytest.mark.django_db
def test_facet_walk_stops_at_its_time_budget_and_counts_what_it_read(city, corpus, monkeypatch):
    from django.db import connection

    from edudx.library import search, search_facets
    from edudx.library.selectors import ranking

    def walk():
        q = search.parse("phuong trinh bac hai")
        return search_facets.Walk(q, ResourceFilter(), 3000, ranking._run, "sqlite", stream=ranking._stream)

    # Matches, newest first: the draft, the title one, the body-only one.
    assert walk().count(ranking.FACETS)[:2] + walk().count(ranking.FACETS)[3:] == (2, False, 3)
    monkeypatch.setattr(search_facets, "FACET_BUDGET", 0.0)
    monkeypatch.setattr(search_facets, "BATCH", 2)
    total, capped, facets, counted = walk().count(ranking.FACETS)
    assert (total, capped, counted) == (1, True, 2)  # one batch read, then the time was up
    assert facets["subject"] == {"toan": 1}
    # Past the windows, the walk read to its end holds every match: the ones that pass the
    # filters are those the index gives (search_facets.passing_sql).
    with connection.cursor() as cur:
        cur.execute(*search_facets.passing_sql(search.parse("phuong trinh bac hai"), ResourceFilter(), 10))
        every = sorted(r[0] for r in cur.fetchall())
    assert sorted(walk().passing(10) or []) == every != []
    assert len(walk().passing(0) or []) == 1  # more than none pass
    # A match longer than the walk's LIMIT: the older matches come from the index, below the
    # walk's last row (the newest match, the draft, is the only row read here).
    monkeypatch.setattr(search_facets, "WALK_LIMIT", 1)
    short = search_facets.Walk(
        search.parse("phuong trinh bac hai"),
        ResourceFilter(),
        1,
        ranking._run,
        "sqlite",
        stream=ranking._stream,
    )
    assert sorted(short.passing(10) or []) == every and len(short._rows) == 1
    # The ranking's third window is read whole whatever the time: the page does not change.
    scope = city.scope_of("viewer")
    result = selectors.resource_search(scope=scope, filters=ResourceFilter(q="phuong trinh bac hai"))
    assert titles(result) == ["Phương trình bậc hai một ẩn", "Ôn tập chương IV"]


@pytest.mark.django_db
def test_suggestions_follow_title_edits_and_ignore_bodies(city, corpus):
    from edudx.library import services
    from edudx.library.schemas import ResourcePatch

    scope = city.scope_of("viewer")
    # "Ôn tập chương IV" has "phương trình" in its body only: never suggested.
    assert [r.title for r in selectors.suggestions(scope=scope, q="phuong")] == [
        "Phương trình bậc hai một ẩn"
    ]
    r = corpus["title"]
    r.state = "draft"
    r.save(update_fields=["state"])
    services.resource_update(
        actor=city.actor_of("teacher"), resource=r, data=ResourcePatch(title="Hàm số bậc hai")
    )
    r.state = "published"
    r.save(update_fields=["state"])
    assert selectors.suggestions(scope=scope, q="phuong") == []
    assert [x.title for x in selectors.suggestions(scope=scope, q="ham so ba")] == ["Hàm số bậc hai"]
