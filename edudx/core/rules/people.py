"""Enumerations for people records: gender and the sector's student and staff statuses."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..text import fold


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class StudentStatus(models.TextChoices):
    DANG_HOC = "dang_hoc", _("Studying (đang học)")
    CHUYEN_DEN = "chuyen_den", _("Transferred in (chuyển đến)")
    CHUYEN_DI = "chuyen_di", _("Transferred out (chuyển đi)")
    THOI_HOC = "thoi_hoc", _("Left school (thôi học)")
    BO_HOC = "bo_hoc", _("Dropped out (bỏ học)")
    BAO_LUU = "bao_luu", _("Suspended studies (bảo lưu)")
    NGHI_TAM = "nghi_tam", _("Temporarily absent (nghỉ học tạm thời)")
    LUU_BAN = "luu_ban", _("Repeating the grade (lưu ban)")
    REN_LUYEN_HE = "ren_luyen_he", _("Summer re-training (rèn luyện hè)")
    HOAN_THANH = "hoan_thanh", _("Completed the programme (hoàn thành chương trình)")
    TOT_NGHIEP = "tot_nghiep", _("Graduated (tốt nghiệp)")
    DA_MAT = "da_mat", _("Deceased (đã mất)")


ACTIVE_STUDENT_STATUSES = frozenset(
    {StudentStatus.DANG_HOC, StudentStatus.CHUYEN_DEN, StudentStatus.LUU_BAN, StudentStatus.REN_LUYEN_HE}
)


class StaffStatus(models.TextChoices):
    WORKING = "working", _("Working (đang làm việc)")
    LEAVE = "leave", _("On leave (tạm nghỉ)")
    TRANSFERRED = "transferred", _("Transferred (chuyển công tác)")
    RETIRED = "retired", _("Retired (nghỉ hưu)")
    LEFT = "left", _("Left (thôi việc)")


class Position(models.TextChoices):
    PRINCIPAL = "hieu_truong", _("Principal (hiệu trưởng)")
    VICE_PRINCIPAL = "pho_hieu_truong", _("Vice principal (phó hiệu trưởng)")
    TEACHER = "giao_vien", _("Teacher (giáo viên)")
    STAFF = "nhan_vien", _("Staff (nhân viên)")
    LIBRARIAN = "thu_vien", _("Librarian (thư viện)")
    IT = "cntt", _("IT staff (nhân viên CNTT)")


class Qualification(models.TextChoices):
    TRUNG_CAP = "trung_cap", _("Vocational (trung cấp)")
    CAO_DANG = "cao_dang", _("College (cao đẳng)")
    DAI_HOC = "dai_hoc", _("Bachelor (đại học)")
    THAC_SI = "thac_si", _("Master (thạc sĩ)")
    TIEN_SI = "tien_si", _("Doctorate (tiến sĩ)")
    KHAC = "khac", _("Other")


_GENDER = {
    "nam": Gender.MALE,
    "male": Gender.MALE,
    "m": Gender.MALE,
    "trai": Gender.MALE,
    "1": Gender.MALE,
    "nu": Gender.FEMALE,
    "female": Gender.FEMALE,
    "f": Gender.FEMALE,
    "gai": Gender.FEMALE,
    "0": Gender.FEMALE,
}


def gender_code(value: object) -> str | None:
    return _GENDER.get(fold(str(value))) if value not in (None, "") else None


_STATUS = (
    {
        fold(label.split("(")[-1].rstrip(")")): code
        for code, label in [(s.value, str(s.label)) for s in StudentStatus]
    }
    | {s.value: s.value for s in StudentStatus}
    | {
        "dang hoc": StudentStatus.DANG_HOC,
        "nghi hoc tam thoi": StudentStatus.NGHI_TAM,
        "hoan thanh chuong trinh": StudentStatus.HOAN_THANH,
        "da tot nghiep": StudentStatus.TOT_NGHIEP,
    }
)


def student_status_code(value: object) -> str | None:
    return _STATUS.get(fold(str(value))) if value not in (None, "") else None
