"""Objects of school B1 for the route × role matrix test (see docs/developing.md)."""

import datetime as dt


def providers(city) -> dict[str, tuple[int, str]]:
    from edudx.core.actor import Actor
    from edudx.infrastructure import services
    from edudx.infrastructure.models import DeviceCategory
    from edudx.infrastructure.schemas import ConnectionIn, DeviceIn, RoomIn

    a = Actor.system(source="matrix")
    b1 = city.schools[2]
    room = services.room_create(actor=a, school=b1, data=RoomIn(code="MX1", name="Phòng ma trận B1"))
    device = services.device_create(
        actor=a,
        school=b1,
        data=DeviceIn(
            category=DeviceCategory.LAPTOP,
            room_id=room.pk,
            serial_number="MATRIX-SERIAL-B1",
            acquired_on=dt.date(2024, 1, 1),
        ),
    )
    conn = services.connection_create(
        actor=a, school=b1, data=ConnectionIn(provider="MatrixNet B1", download_mbps=10, upload_mbps=5)
    )
    return {
        "device_id": (device.pk, "MATRIX-SERIAL-B1"),
        "room_id": (room.pk, "Phòng ma trận B1"),
        "connection_id": (conn.pk, "MatrixNet B1"),
    }
