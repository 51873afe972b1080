"""Django admin for the installation administrator (superuser); everyday work uses the pages."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from opora.core.models import Municipality, Region, RoleAssignment, School, SocialPassport, User


@admin.register(User)
class OporaUserAdmin(UserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "full_name", "email", "is_active", "is_superuser")
    search_fields = ("username", "full_name", "email")
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Opora", {"fields": ("full_name", "position", "phone")}))


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Municipality)
class MunicipalityAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "region")
    list_filter = ("region",)
    search_fields = ("code", "name")


@admin.register(School)
class SchoolAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "municipality", "type", "settlement", "enrolment")
    list_filter = ("type", "settlement")
    search_fields = ("code", "name")
    list_select_related = ("municipality",)
    raw_id_fields = ("municipality",)


@admin.register(SocialPassport)
class SocialPassportAdmin(SimpleHistoryAdmin):
    list_display = ("school", "year")
    list_filter = ("year",)
    search_fields = ("school__code", "school__name")
    raw_id_fields = ("school",)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("user", "role", "region", "municipality", "school")
    list_filter = ("role",)
    raw_id_fields = ("user", "school", "schools", "municipality", "region", "created_by")
