"""A teacher scans a device's QR label with a phone and reports it broken in two taps."""

import datetime as dt

import pytest
from playwright.sync_api import expect


@pytest.mark.browser
def test_a_teacher_reports_a_broken_projector_from_a_phone(live_city, live_server, browser, login):
    from edudx.core.actor import Actor
    from edudx.core.roles import Role
    from edudx.infrastructure import services
    from edudx.infrastructure.models import Device
    from edudx.infrastructure.schemas import DeviceIn

    device = services.device_create(
        actor=Actor.system(),
        school=live_city.schools[0],
        data=DeviceIn(category="projector", acquired_on=dt.date(2024, 1, 1)),
    )
    # The phone: a narrow viewport, as when the QR code on the label is scanned.
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", live_city.users[Role.TEACHER].username)
    from edudx.core.testing.city import PASSWORD

    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/infrastructure/devices/{device.pk}/")  # tap 1: the QR code opens the page
    expect(page.get_by_test_id("condition")).to_have_text("Đang sử dụng")
    page.get_by_role("button", name="Hỏng").click()  # tap 2
    expect(page.get_by_test_id("condition")).to_have_text("Hỏng")
    device.refresh_from_db()
    assert device.condition == "broken"
    # The buttons are big enough for a thumb on a phone.
    box = page.get_by_role("button", name="Cần sửa chữa").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 140
    context.close()
    assert Device.objects.filter(condition="broken").count() == 1
