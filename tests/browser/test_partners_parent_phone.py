"""A parent withdraws consent on a phone (390 px wide, touch) through the school's signed link,
without an account: the app's next request lacks the pupil, the change feed shows the deletion
(issue #17: consent "on the web and on a phone")."""

import pytest
from playwright.sync_api import expect


@pytest.mark.browser
def test_parent_withdraws_consent_on_a_phone(live_city, live_server, browser):
    from edudx.core.actor import Actor
    from edudx.core.roles import Role
    from edudx.partners import services
    from edudx.partners.oneroster.feed import latest_version
    from edudx.partners.tests.conftest import make_partner

    city = live_city
    partner = make_partner(city, schools=((0, "consent"),), name="Sổ liên lạc Điện thoại")
    pupil = city.students[0]  # A1, born 2014: aged 7+, answers too
    for party in ("parent", "pupil"):
        services.consent_set(
            actor=Actor.system(source="t"), app=partner.app, student=pupil, party=party, given=True
        )
    assert partner.get(f"users/s{pupil.pk}").json()["user"]["status"] == "active"
    token = services.parent_link_make(actor=city.actor_of(Role.SCHOOL_ADMIN), student=pupil)
    start = latest_version()

    phone = browser.new_context(
        locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = phone.new_page()
    page.goto(f"{live_server.url}/partners/consent/{token}/")
    expect(page.get_by_test_id("parent-digits")).to_be_visible()
    assert pupil.full_name not in page.content()  # nothing about the pupil before the digits
    page.fill("input[name=digits]", "4567")  # the city's parent phone ends in 4567
    page.get_by_test_id("parent-digits").locator("button[type=submit]").tap()
    card = page.get_by_test_id("parent-app").filter(has_text=partner.app.name)
    expect(card).to_be_visible()
    expect(page.get_by_text(pupil.full_name)).to_be_visible()
    # One column at phone width: nothing wider than the screen, the buttons a thumb can reach.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    withdraw = card.locator("button[name=given][value='0']")
    box = withdraw.bounding_box()
    assert box is not None and box["height"] >= 40 and box["x"] >= 0 and box["x"] + box["width"] <= 390
    withdraw.tap()
    expect(
        page.get_by_test_id("parent-app")
        .filter(has_text=partner.app.name)
        .locator("button[name=given][value='1']")
    ).to_be_visible()
    phone.close()

    # The app's next request: the pupil is a deletion, nowhere active; the feed says so.
    assert partner.get(f"users/s{pupil.pk}").json()["user"] == {
        "sourcedId": f"s{pupil.pk}",
        "status": "tobedeleted",
        "dateLastModified": partner.get(f"users/s{pupil.pk}").json()["user"]["dateLastModified"],
    }
    active = [u["sourcedId"] for u in partner.get("students", filter="status='active'").json()["users"]]
    assert f"s{pupil.pk}" not in active
    body = partner.http.get(
        "/partners/feed/v1/users", {"after": start}, HTTP_AUTHORIZATION=f"Bearer {partner.token}"
    ).json()
    assert [(c["sourcedId"], c["status"]) for c in body["changes"]] == [(f"s{pupil.pk}", "tobedeleted")]
