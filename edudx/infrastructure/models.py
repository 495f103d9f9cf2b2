"""ICT inventory of schools: rooms, devices, Internet connections, software licences, and the
configurable thresholds and unit costs that readiness and procurement planning use.

edudx is the system of record for equipment inventories (domain.md §2): these tables are
written here, not imported from the sector database.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core.models import TimeStamped


class RoomKind(models.TextChoices):
    CLASSROOM = "classroom", _("Classroom")
    SMART_CLASSROOM = "smart_classroom", _("Smart classroom")
    COMPUTER_LAB = "computer_lab", _("Computer lab")
    STUDIO = "studio", _("Digital-content studio")
    LIBRARY = "library", _("Library")
    OFFICE = "office", _("Office")
    OTHER = "other", _("Other room")


TEACHING_ROOMS = (RoomKind.CLASSROOM, RoomKind.SMART_CLASSROOM)


class DeviceCategory(models.TextChoices):
    DESKTOP = "desktop", _("Desktop computer")
    LAPTOP = "laptop", _("Laptop")
    TABLET = "tablet", _("Tablet")
    PROJECTOR = "projector", _("Projector")
    DISPLAY = "display", _("Interactive display or board")
    TV = "tv", _("Large-screen TV")
    CAMERA = "camera", _("Camera")
    DOC_CAMERA = "document_camera", _("Document camera")
    SERVER = "server", _("Server")
    NETWORK = "network", _("Network equipment")
    PRINTER = "printer", _("Printer")
    OTHER = "other", _("Other device")


COMPUTERS = (DeviceCategory.DESKTOP, DeviceCategory.LAPTOP, DeviceCategory.TABLET)
PRESENTATION = (DeviceCategory.PROJECTOR, DeviceCategory.DISPLAY, DeviceCategory.TV)


class Condition(models.TextChoices):
    IN_USE = "in_use", _("In use")
    NEEDS_REPAIR = "needs_repair", _("Needs repair")
    BROKEN = "broken", _("Broken")
    RETIRED = "retired", _("Retired")


class Funding(models.TextChoices):
    STATE = "state", _("State budget")
    SOCIALISED = "socialised", _("Socialised funds (xã hội hóa)")
    SPONSOR = "sponsor", _("Sponsorship")
    PROJECT = "project", _("Project or programme")
    OTHER = "other", _("Other")


class Room(TimeStamped):
    school = models.ForeignKey("registry.School", on_delete=models.CASCADE, related_name="rooms")
    code = models.CharField(_("room code"), max_length=32)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=RoomKind.choices, default=RoomKind.CLASSROOM)
    seats = models.PositiveSmallIntegerField(_("seats"), default=0)
    has_internet = models.BooleanField(_("Internet in the room"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ("school", "code", "id")
        verbose_name = _("room")
        constraints = [models.UniqueConstraint(fields=["school", "code"], name="infra_room_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class Device(TimeStamped):
    school = models.ForeignKey("registry.School", on_delete=models.CASCADE, related_name="devices")
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="devices", verbose_name=_("room")
    )
    asset_tag = models.CharField(_("asset tag"), max_length=40, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=DeviceCategory.choices)
    make = models.CharField(_("make"), max_length=80, blank=True)
    model = models.CharField(_("model"), max_length=120, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=80, blank=True)
    acquired_on = models.DateField(_("acquired on"), null=True, blank=True)
    funding = models.CharField(
        _("funding source"), max_length=12, choices=Funding.choices, default=Funding.STATE
    )
    condition = models.CharField(
        _("condition"), max_length=14, choices=Condition.choices, default=Condition.IN_USE
    )
    condition_changed_at = models.DateTimeField(_("condition changed"), default=timezone.now)
    location = models.CharField(_("location"), max_length=150, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ("school", "asset_tag", "id")
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        indexes = [
            # Covers the readiness aggregate (counts by category, condition and age per school).
            models.Index(
                fields=["school", "condition", "category", "acquired_on"], name="infra_device_readiness"
            ),
            models.Index(fields=["school", "asset_tag", "id"], name="infra_device_school_tag"),
            # The department's list in its order (250,000 devices sorted per view without it).
            models.Index(fields=["asset_tag", "id"], name="infra_device_tag"),
        ]

    def __str__(self) -> str:
        return f"{self.asset_tag} · {self.get_category_display()}"


# The fastest line a school may declare, in Mbit/s (the table's check constraint).
MAX_MBPS = 100_000


class Connection(TimeStamped):
    class Kind(models.TextChoices):
        FIBRE = "fibre", _("Fibre (FTTH)")
        LEASED = "leased", _("Leased line")
        ADSL = "adsl", _("ADSL")
        MOBILE = "mobile", _("4G/5G")
        OTHER = "other", _("Other")

    class Wifi(models.TextChoices):
        NONE = "none", _("No Wi-Fi")
        PARTIAL = "partial", _("Part of the school")
        FULL = "full", _("Whole school")

    school = models.ForeignKey("registry.School", on_delete=models.CASCADE, related_name="connections")
    provider = models.CharField(_("provider"), max_length=80)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.FIBRE)
    download_mbps = models.PositiveIntegerField(_("download (Mbps)"))
    upload_mbps = models.PositiveIntegerField(_("upload (Mbps)"))
    wifi = models.CharField(_("Wi-Fi coverage"), max_length=8, choices=Wifi.choices, default=Wifi.PARTIAL)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ("school", "-download_mbps", "id")
        verbose_name = _("Internet connection")
        constraints = [
            models.CheckConstraint(
                condition=Q(download_mbps__lte=MAX_MBPS) & Q(upload_mbps__lte=MAX_MBPS),
                name="infra_connection_bandwidth_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.download_mbps}/{self.upload_mbps} Mbps"


class Licence(TimeStamped):
    school = models.ForeignKey("registry.School", on_delete=models.CASCADE, related_name="licences")
    name = models.CharField(_("software"), max_length=120)
    vendor = models.CharField(_("vendor"), max_length=120, blank=True)
    seats = models.PositiveIntegerField(_("seats"), default=1)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        ordering = ("school", "expires_on", "id")
        verbose_name = _("software licence")

    def __str__(self) -> str:
        return self.name


class InventoryProfile(models.Model):
    """What a school declares outside edudx: the equipment total on its paper asset books.

    The share of equipment under digital records (national target 80 %) compares the devices
    recorded here with that declared total.
    """

    school = models.OneToOneField(
        "registry.School", on_delete=models.CASCADE, related_name="inventory_profile"
    )
    declared_equipment_total = models.PositiveIntegerField(_("equipment on the asset books"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("inventory profile")

    def __str__(self) -> str:
        return str(self.school_id)


class Threshold(models.Model):
    """Configurable readiness thresholds and planning parameters (data, not code)."""

    code = models.CharField(max_length=40, primary_key=True)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=3)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("code",)
        verbose_name = _("threshold")

    def __str__(self) -> str:
        return f"{self.code}={self.value}"


class UnitCost(models.Model):
    """Configurable unit cost of a device category, in VND, for procurement planning."""

    category = models.CharField(max_length=20, choices=DeviceCategory.choices, primary_key=True)
    cost_vnd = models.PositiveBigIntegerField(_("unit cost (VND)"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("unit cost")

    def __str__(self) -> str:
        return f"{self.category}: {self.cost_vnd}"


class ConditionSnapshot(models.Model):
    """Device counts by condition per school and month, for "condition over time" charts.

    Written by `snapshot_conditions` (a task run monthly) so history needs no replay of logs.
    """

    school = models.ForeignKey("registry.School", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # first day of the month
    in_use = models.PositiveIntegerField(default=0)
    needs_repair = models.PositiveIntegerField(default=0)
    broken = models.PositiveIntegerField(default=0)
    retired = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "month"], name="infra_snapshot_unique")]
        indexes = [models.Index(fields=["month"], name="infra_snapshot_month")]

    def __str__(self) -> str:
        return f"{self.school_id} {self.month:%Y-%m}"
