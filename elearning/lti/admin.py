"""Platforms, deployments and their organisation: for superusers (like accounts and groups)."""
from django.contrib import admin

from elearning.admin import SuperuserOnlyMixin
from elearning.lti.models import DeploymentOrganisation, PlatformGrade


@admin.register(DeploymentOrganisation)
class DeploymentOrganisationAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    list_display = ["deployment", "organisation", "active"]
    list_select_related = ["deployment__registration", "organisation"]

    @admin.display(boolean=True, description="approuvé")
    def active(self, obj):
        return obj.deployment.is_active


@admin.register(PlatformGrade)
class PlatformGradeAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    list_display = ["resource", "status", "tries", "sent_at", "last_error"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in PlatformGrade._meta.fields]

    def has_add_permission(self, request, *args):
        return False
