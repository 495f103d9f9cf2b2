from django.contrib import admin

from .models import Enrolment, School, SchoolClass, SchoolYear, Staff, Student, TeachingAssignment, Term

admin.site.register([SchoolYear, Term, TeachingAssignment])


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ("moet_code", "unit", "level", "ownership")
    list_filter = ("level", "ownership")
    search_fields = ("moet_code", "name_key")
    raw_id_fields = ("unit",)


@admin.register(SchoolClass)
class SchoolClassAdmin(admin.ModelAdmin):
    list_display = ("name", "grade", "school", "year")
    raw_id_fields = ("school", "homeroom_teacher")


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ("moet_code", "full_name", "date_of_birth", "gender", "status", "school")
    search_fields = ("moet_code", "name_key")
    raw_id_fields = ("school", "user")
    show_full_result_count = False


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ("moet_code", "full_name", "position", "school")
    search_fields = ("moet_code", "name_key")
    raw_id_fields = ("school", "user")


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ("student", "school_class", "year", "state", "start_date", "end_date")
    raw_id_fields = ("student", "school_class", "school", "previous")
