from django.contrib import admin

from .models import Grouping, GroupingMember, OrgUnit


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    readonly_fields = ("path", "depth")


class MemberInline(admin.TabularInline):
    model = GroupingMember
    raw_id_fields = ("unit",)


@admin.register(Grouping)
class GroupingAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "owner")
    inlines = [MemberInline]
