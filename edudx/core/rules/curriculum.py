"""Subjects of the 2018 general-education curriculum (GDPT 2018)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Subject(models.TextChoices):
    TIENG_VIET = "tieng_viet", _("Vietnamese (Tiếng Việt)")
    NGU_VAN = "ngu_van", _("Literature (Ngữ văn)")
    TOAN = "toan", _("Mathematics (Toán)")
    NGOAI_NGU = "ngoai_ngu", _("Foreign language 1 (Ngoại ngữ 1)")
    GDCD = "gdcd", _("Civic education (GDCD)")
    DAO_DUC = "dao_duc", _("Ethics (Đạo đức)")
    TNXH = "tnxh", _("Nature and society (Tự nhiên và Xã hội)")
    KHOA_HOC = "khoa_hoc", _("Science (Khoa học)")
    LS_DL = "ls_dl", _("History and Geography (Lịch sử và Địa lí)")
    LICH_SU = "lich_su", _("History (Lịch sử)")
    DIA_LI = "dia_li", _("Geography (Địa lí)")
    KHTN = "khtn", _("Natural sciences (Khoa học tự nhiên)")
    VAT_LI = "vat_li", _("Physics (Vật lí)")
    HOA_HOC = "hoa_hoc", _("Chemistry (Hóa học)")
    SINH_HOC = "sinh_hoc", _("Biology (Sinh học)")
    GDKT_PL = "gdkt_pl", _("Economics and law (GD Kinh tế và Pháp luật)")
    CONG_NGHE = "cong_nghe", _("Technology (Công nghệ)")
    TIN_HOC = "tin_hoc", _("Informatics (Tin học)")
    GDTC = "gdtc", _("Physical education (GDTC)")
    NGHE_THUAT = "nghe_thuat", _("Arts (Nghệ thuật)")
    AM_NHAC = "am_nhac", _("Music (Âm nhạc)")
    MI_THUAT = "mi_thuat", _("Fine arts (Mĩ thuật)")
    HDTN = "hdtn", _("Experiential activities (HĐTN-HN)")
    GDQP = "gdqp", _("Defence education (GDQP-AN)")
    DIA_PHUONG = "dia_phuong", _("Local content (Nội dung GD địa phương)")
