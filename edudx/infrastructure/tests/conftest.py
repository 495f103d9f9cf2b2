import datetime as dt

import pytest

from edudx.core.actor import Actor
from edudx.infrastructure import services
from edudx.infrastructure.models import Condition, DeviceCategory, RoomKind
from edudx.infrastructure.schemas import ConnectionIn, DeviceIn, RoomIn


@pytest.fixture
def equipped(city):
    """School A1 well equipped, school B1 with one broken projector and a slow line."""
    a = Actor.system(source="test")
    a1, b1 = city.schools[0], city.schools[2]
    room = services.room_create(
        actor=a,
        school=a1,
        data=RoomIn(code="P101", name="Phòng 101", kind=RoomKind.CLASSROOM, has_internet=True),
    )
    lab = services.room_create(
        actor=a,
        school=a1,
        data=RoomIn(code="TH1", name="Phòng Tin 1", kind=RoomKind.COMPUTER_LAB, has_internet=True),
    )
    services.device_create(
        actor=a,
        school=a1,
        data=DeviceIn(category=DeviceCategory.PROJECTOR, room_id=room.pk, acquired_on=dt.date(2024, 1, 1)),
    )
    for _ in range(3):
        services.device_create(
            actor=a,
            school=a1,
            data=DeviceIn(category=DeviceCategory.DESKTOP, room_id=lab.pk, acquired_on=dt.date(2023, 1, 1)),
        )
    services.connection_create(
        actor=a, school=a1, data=ConnectionIn(provider="VNPT", download_mbps=200, upload_mbps=100)
    )
    b_room = services.room_create(
        actor=a,
        school=b1,
        data=RoomIn(code="P201", name="Phòng 201 Bến Thành", kind=RoomKind.CLASSROOM, has_internet=False),
    )
    b_dev = services.device_create(
        actor=a,
        school=b1,
        data=DeviceIn(
            category=DeviceCategory.PROJECTOR,
            room_id=b_room.pk,
            condition=Condition.BROKEN,
            serial_number="SERIAL-B1-SECRET",
        ),
    )
    b_conn = services.connection_create(
        actor=a, school=b1, data=ConnectionIn(provider="Viettel", download_mbps=1, upload_mbps=1)
    )
    return {
        "a1": a1,
        "b1": b1,
        "room": room,
        "lab": lab,
        "b_room": b_room,
        "b_device": b_dev,
        "b_conn": b_conn,
    }
