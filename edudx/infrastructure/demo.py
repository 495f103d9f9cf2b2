"""Demo inventories for every demo school: rooms, devices, connections, licences, asset-book
totals and a year of monthly condition snapshots. About one school in six is clearly under-
equipped (few computers, projectors in few classrooms, a slow line) so gaps show up."""

from __future__ import annotations

import datetime as dt

from edudx.core import history
from edudx.core.demo import DemoContext
from edudx.registry import selectors as registry

from .models import (
    Condition,
    ConditionSnapshot,
    Connection,
    Device,
    DeviceCategory,
    Funding,
    InventoryProfile,
    Licence,
    Room,
    RoomKind,
)

ORDER = 70
MAKES = {
    DeviceCategory.DESKTOP: [("Dell", "OptiPlex 3000"), ("HP", "ProDesk 400 G7"), ("Lenovo", "ThinkCentre M70"), ("FPT Elead", "T6500")],
    DeviceCategory.LAPTOP: [("Dell", "Latitude 3420"), ("HP", "ProBook 440"), ("Lenovo", "ThinkPad E14")],
    DeviceCategory.TABLET: [("Samsung", "Galaxy Tab A8"), ("Apple", "iPad 9")],
    DeviceCategory.PROJECTOR: [("Epson", "EB-X51"), ("Sony", "VPL-DX221"), ("ViewSonic", "PA503X")],
    DeviceCategory.DISPLAY: [("Samsung", "Flip Pro 75"), ("Promethean", "ActivPanel 9"), ("ViewSonic", "IFP7552")],
    DeviceCategory.TV: [("Samsung", "Crystal UHD 65"), ("LG", "UQ75 65")],
    DeviceCategory.CAMERA: [("Logitech", "C920"), ("Hikvision", "DS-2CD")],
    DeviceCategory.DOC_CAMERA: [("Ipevo", "V4K"), ("Elmo", "MX-P3")],
    DeviceCategory.SERVER: [("Dell", "PowerEdge T150")],
    DeviceCategory.NETWORK: [("TP-Link", "Omada EAP245"), ("Cisco", "CBS250"), ("Ruijie", "RG-RAP2200")],
    DeviceCategory.PRINTER: [("Canon", "LBP2900"), ("Brother", "HL-L2321D")],
}  # fmt: skip
PROVIDERS = ["VNPT", "Viettel", "FPT Telecom", "MobiFone"]


class _Builder:
    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.rng = ctx.rng
        self.today = ctx.today
        self.devices: list[Device] = []

    def _device(self, school, room, category, *, n_serial: int, poor: bool) -> Device:
        rng = self.rng
        make, model = rng.choice(MAKES.get(category, [("Khác", "—")]))
        age_days = int(rng.triangular(60, (12 if poor else 9) * 365, (6 if poor else 3) * 365))
        roll = rng.random()
        broken_rate = 0.16 if poor else 0.06
        condition = (
            Condition.RETIRED
            if roll < 0.04
            else Condition.BROKEN
            if roll < 0.04 + broken_rate / 2
            else Condition.NEEDS_REPAIR
            if roll < 0.04 + broken_rate
            else Condition.IN_USE
        )
        return Device(
            school=school,
            room=room,
            category=category,
            make=make,
            model=model,
            asset_tag=f"TB-{school.moet_code}-{n_serial:05d}",
            serial_number=f"{make[:2].upper()}{rng.randrange(10**7, 10**8)}",
            acquired_on=self.today - dt.timedelta(days=age_days),
            funding=rng.choices(list(Funding.values), weights=[70, 15, 8, 5, 2])[0],
            condition=condition,
            location=room.name if room else "",
        )

    def school(self, school, *, pupils: int, classes: int) -> None:
        rng = self.rng
        poor = rng.random() < 0.17
        serial = 0
        rooms: list[Room] = []
        n_class = max(classes, max(1, pupils // 35))
        for i in range(n_class):
            smart = not poor and rng.random() < 0.15
            rooms.append(
                Room(
                    school=school,
                    code=f"P{101 + i}",
                    name=f"Phòng học {101 + i}",
                    kind=RoomKind.SMART_CLASSROOM if smart else RoomKind.CLASSROOM,
                    seats=40,
                    has_internet=rng.random() < (0.5 if poor else 0.93),
                )
            )
        level = school.level
        labs = 0 if level == "MN" else (1 if poor else max(1, round(pupils / 700)))
        for i in range(labs):
            rooms.append(
                Room(
                    school=school,
                    code=f"TH{i + 1}",
                    name=f"Phòng Tin học {i + 1}",
                    kind=RoomKind.COMPUTER_LAB,
                    seats=36,
                    has_internet=True,
                )
            )
        if not poor and rng.random() < 0.35:
            rooms.append(
                Room(
                    school=school,
                    code="SX1",
                    name="Phòng sản xuất học liệu số",
                    kind=RoomKind.STUDIO,
                    seats=6,
                    has_internet=True,
                )
            )
        rooms.append(
            Room(
                school=school, code="TV1", name="Thư viện", kind=RoomKind.LIBRARY, seats=40, has_internet=True
            )
        )
        rooms.append(
            Room(
                school=school, code="VP1", name="Văn phòng", kind=RoomKind.OFFICE, seats=10, has_internet=True
            )
        )
        Room.objects.bulk_create(rooms, batch_size=1000)
        for room in rooms:
            if room.kind in (RoomKind.CLASSROOM, RoomKind.SMART_CLASSROOM):
                if room.kind == RoomKind.SMART_CLASSROOM:
                    serial += 1
                    self.devices.append(
                        self._device(school, room, DeviceCategory.DISPLAY, n_serial=serial, poor=poor)
                    )
                    serial += 1
                    self.devices.append(
                        self._device(school, room, DeviceCategory.DOC_CAMERA, n_serial=serial, poor=poor)
                    )
                elif rng.random() < (0.35 if poor else 0.96):
                    serial += 1
                    cat = DeviceCategory.TV if rng.random() < 0.25 else DeviceCategory.PROJECTOR
                    self.devices.append(self._device(school, room, cat, n_serial=serial, poor=poor))
                if level != "MN" and rng.random() < 0.3:
                    serial += 1
                    self.devices.append(
                        self._device(school, room, DeviceCategory.LAPTOP, n_serial=serial, poor=poor)
                    )
            elif room.kind == RoomKind.COMPUTER_LAB:
                seats = rng.randint(12, 20) if poor else rng.randint(30, 40)
                for _ in range(seats):
                    serial += 1
                    self.devices.append(
                        self._device(school, room, DeviceCategory.DESKTOP, n_serial=serial, poor=poor)
                    )
                serial += 1
                self.devices.append(
                    self._device(school, room, DeviceCategory.PROJECTOR, n_serial=serial, poor=poor)
                )
            elif room.kind == RoomKind.STUDIO:
                for cat in (
                    DeviceCategory.CAMERA,
                    DeviceCategory.CAMERA,
                    DeviceCategory.LAPTOP,
                    DeviceCategory.DISPLAY,
                ):
                    serial += 1
                    self.devices.append(self._device(school, room, cat, n_serial=serial, poor=poor))
            elif room.kind == RoomKind.OFFICE:
                for cat in (
                    [DeviceCategory.DESKTOP] * rng.randint(4, 10)
                    + [DeviceCategory.PRINTER] * 2
                    + [DeviceCategory.SERVER]
                ):
                    serial += 1
                    self.devices.append(self._device(school, room, cat, n_serial=serial, poor=poor))
        if level != "MN" and not poor and rng.random() < 0.3:
            for _ in range(rng.choice([20, 30, 40])):
                serial += 1
                self.devices.append(
                    self._device(school, None, DeviceCategory.TABLET, n_serial=serial, poor=poor)
                )
        for _ in range(max(2, n_class // 6)):
            serial += 1
            self.devices.append(
                self._device(school, None, DeviceCategory.NETWORK, n_serial=serial, poor=poor)
            )
        mbps = rng.choice([20, 30, 50]) if poor else rng.choice([100, 150, 200, 300, 500])
        Connection.objects.create(
            school=school,
            provider=rng.choice(PROVIDERS),
            kind=Connection.Kind.FIBRE,
            download_mbps=mbps,
            upload_mbps=max(10, mbps // 2),
            wifi=Connection.Wifi.PARTIAL if poor else Connection.Wifi.FULL,
        )
        if rng.random() < 0.4:
            Connection.objects.create(
                school=school,
                provider=rng.choice(PROVIDERS),
                kind=Connection.Kind.MOBILE,
                download_mbps=50,
                upload_mbps=20,
                wifi=Connection.Wifi.NONE,
                is_active=not poor,
            )
        Licence.objects.create(
            school=school,
            name="Microsoft 365 A1",
            vendor="Microsoft",
            seats=max(50, pupils),
            expires_on=self.today + dt.timedelta(days=rng.randint(-30, 700)),
        )
        if rng.random() < 0.5:
            Licence.objects.create(
                school=school,
                name="Zoom Education",
                vendor="Zoom",
                seats=rng.choice([5, 10, 20]),
                expires_on=self.today + dt.timedelta(days=rng.randint(-60, 365)),
            )
        # Paper asset books hold more than has been recorded digitally at some schools.
        school_total = serial
        InventoryProfile.objects.create(
            school=school,
            declared_equipment_total=int(school_total / rng.uniform(0.55 if poor else 0.85, 1.0)),
        )
        self._snapshots(school, school_total, poor)
        if len(self.devices) >= 20000:
            self.flush()

    def _snapshots(self, school, total: int, poor: bool) -> None:
        rng = self.rng
        snaps = []
        first = self.today.replace(day=1)
        for back in range(11, -1, -1):
            month = (first - dt.timedelta(days=31 * back)).replace(day=1)
            drift = back / 12
            broken = int(total * ((0.14 if poor else 0.05) - drift * 0.03) * rng.uniform(0.8, 1.2))
            repair = int(total * (0.07 if poor else 0.03) * rng.uniform(0.7, 1.3))
            retired = int(total * 0.04 * (1 - drift))
            snaps.append(
                ConditionSnapshot(
                    school=school,
                    month=month,
                    broken=max(broken, 0),
                    needs_repair=repair,
                    retired=retired,
                    in_use=max(total - broken - repair - retired, 0),
                )
            )
        ConditionSnapshot.objects.bulk_create(snaps)

    def flush(self) -> None:
        Device.objects.bulk_create(self.devices, batch_size=5000)
        self.devices = []


def build(ctx: DemoContext) -> None:
    scope = ctx.actor.scope
    schools = list(registry.school_list(scope=scope)[0].order_by("moet_code"))
    ids = [s.pk for s in schools]
    pupils = registry.active_student_counts(ids)
    classes = registry.class_counts_by_grade(ids)
    builder = _Builder(ctx)
    for n, school in enumerate(schools, start=1):
        builder.school(
            school, pupils=pupils.get(school.pk, 0), classes=sum(classes.get(school.pk, {}).values())
        )
        history.record(
            actor=ctx.actor,
            obj=school,
            action="other",
            operation="infrastructure_demo",
            note="demo equipment inventory loaded",
        )
        if n % 500 == 0:
            ctx.log(f"infrastructure: {n}/{len(schools)} schools")
    builder.flush()
    ctx.log(f"infrastructure: inventories for {len(schools)} schools, {Device.objects.count():,} devices")
