"""The editors' admin: the course, its lessons and the referral directory.

Who sees what:
- content editors (group `EDITORS_GROUP`) change the course, the quizzes and the directory;
- accounts, organisations and groups are learner data: their admins answer to superusers
  only, whatever permissions a group is given by mistake;
- trainers and learners are not staff: the admin sends them to its login page.

What an edit keeps: every lesson, question, option and contact has its history
(django-simple-history), with who changed it and when, and any version can be restored.
Objects loaded from the fixtures have no history yet: their state is kept as a first
version just before their first change in the admin, so even that one can be restored.
"""
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from elearning import vocabulary
from elearning.models import (
    Certificate,
    Cohort,
    Contact,
    Course,
    Invitation,
    Lesson,
    LessonCompletion,
    Membership,
    Module,
    Organisation,
    Status,
    User,
)

INITIAL_VERSION_REASON = "Version d'origine (avant la première modification dans l'administration)"
RESTORED_REASON = "Version antérieure rétablie"


# --- Shared behaviour ---------------------------------------------------------------------


class SuperuserOnlyMixin:
    """Learner data (accounts, organisations, groups): superusers only, never editors."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class VocabularyCheckMixin:
    """After a save, a warning for each blaming word the guide asks not to use (never a
    block: the editor may be quoting, and decides)."""

    def warn_vocabulary(self, request, obj, prefix=""):
        for field_label, finding in vocabulary.check_instance(obj):
            self.message_user(request, vocabulary.warning_text(prefix + field_label, finding), messages.WARNING)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.warn_vocabulary(request, obj)


class LearnerDataGuardMixin:
    """Content that learners have used is never deleted from the admin, and the deletion
    page never lists learners' rows: it says, in French, what to do instead.

    Subclasses implement `learner_data_message(objs) -> list[str]`."""

    delete_confirmation_template = "admin/content/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/content/delete_selected_confirmation.html"

    def learner_data_message(self, objs) -> list[str]:
        return []

    def get_deleted_objects(self, objs, request):
        blocking = self.learner_data_message(objs)
        if blocking:
            return [], {}, set(), blocking
        return super().get_deleted_objects(objs, request)


class RowLabelledForm(forms.ModelForm):
    """Forms shown as table rows (list editing, tabular inlines) have no <label>: each field
    gets an accessible name such as « ordre — Leçon 1.2 », for screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        row = str(self.instance) if self.instance.pk else "nouvelle ligne"
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", f"{field.label} — {row}")


class RowLabelledListMixin:
    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=RowLabelledForm, **kwargs)


def keep_initial_version(obj, *, date=None) -> bool:
    """Record the current database state of `obj` as its first version if it has none
    (content loaded by `load_course` has no history). Returns True when one was written."""
    model = type(obj)
    if model.history.filter(id=obj.pk).exists():
        return False
    current = model._default_manager.get(pk=obj.pk)
    current._history_user = None  # nobody changed it in the admin: it came from the fixtures
    model.history.bulk_history_create(
        [current],
        default_change_reason=INITIAL_VERSION_REASON,
        default_date=date or timezone.now() - timedelta(seconds=1),
    )
    return True


class ContentHistoryAdmin(VocabularyCheckMixin, SimpleHistoryAdmin):
    """History (list, diff, restore) in French, with the first version kept."""

    object_history_list_template = "admin/history/object_history_list.html"
    object_history_form_template = "admin/history/object_history_form.html"

    def save_model(self, request, obj, form, change):
        if change:
            keep_initial_version(obj)
        if self._is_restoring(request):
            obj._change_reason = RESTORED_REASON
        super().save_model(request, obj, form, change)

    @staticmethod
    def _is_restoring(request):
        match = request.resolver_match
        return bool(match and match.url_name and match.url_name.endswith("_simple_history"))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history lets anyone who may view the history post a restore; here a
        # restore is a change and needs the change permission.
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)


# --- Accounts: superusers only --------------------------------------------------------------


class MembershipInline(SuperuserOnlyMixin, admin.TabularInline):
    """A person's roles, shown on the person and on the organisation (one row per role).
    Managers appoint trainers from the site; here the superuser can set any role."""

    model = Membership
    extra = 0
    verbose_name = "rôle dans une organisation"
    verbose_name_plural = "rôles dans les organisations"


class UserMembershipInline(MembershipInline):
    fields = ["organisation", "role", "created_at"]
    autocomplete_fields = ["organisation"]


class OrganisationMembershipInline(MembershipInline):
    fields = ["user", "role", "created_at"]
    autocomplete_fields = ["user"]
    verbose_name = "membre"
    verbose_name_plural = "membres (apprenant·es, formateur·rices, responsables)"


class InvitationInline(SuperuserOnlyMixin, admin.TabularInline):
    model = Invitation
    extra = 0
    fields = ["email", "role", "invited_by", "sent_at"]
    readonly_fields = ["invited_by", "sent_at"]
    verbose_name_plural = "invitations (le lien est envoyé depuis la page « Équipe de formation » ou par add_member)"

    def has_add_permission(self, request, obj=None):
        return False  # an invitation without its e-mail would be a dead row


@admin.register(User)
class UserAdmin(SuperuserOnlyMixin, BaseUserAdmin):
    inlines = [UserMembershipInline]
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name", "profession", "departement")}),
        ("Droits", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Organisation)
class OrganisationAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "kind"]
    search_fields = ["name", "slug"]
    inlines = [OrganisationMembershipInline, InvitationInline]


@admin.register(Cohort)
class CohortAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "organisation", "join_open", "archived_at"]
    list_filter = [("archived_at", admin.EmptyFieldListFilter)]
    list_select_related = ["organisation"]
    search_fields = ["name"]
    autocomplete_fields = ["trainers"]


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(SuperuserOnlyMixin, BaseGroupAdmin):
    pass


# --- Course ---------------------------------------------------------------------------------


@admin.register(Course)
class CourseAdmin(LearnerDataGuardMixin, VocabularyCheckMixin, admin.ModelAdmin):
    list_display = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}

    def learner_data_message(self, objs):
        used = set(Certificate.objects.filter(course__in=objs).values_list("course_id", flat=True))
        return [
            f"Le cours « {course} » a déjà donné lieu à des attestations de suivi : il ne peut pas être supprimé."
            for course in objs if course.pk in used
        ]


class LessonOrderInline(admin.TabularInline):
    """The module's lessons, to reorder or publish them in one place."""

    model = Lesson
    form = RowLabelledForm
    fields = ["title", "order", "status"]
    readonly_fields = ["title"]
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = "leçon"
    verbose_name_plural = "Leçons du module (ordre et statut)"

    def has_add_permission(self, request, obj=None):
        return False


def _completed_lessons(lesson_filter) -> set[int]:
    return set(LessonCompletion.objects.filter(**lesson_filter).values_list("lesson_id", flat=True).distinct())


@admin.register(Module)
class ModuleAdmin(RowLabelledListMixin, LearnerDataGuardMixin, VocabularyCheckMixin, admin.ModelAdmin):
    list_display = ["title", "order", "status", "lesson_count"]
    list_editable = ["order", "status"]
    list_filter = ["status"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [LessonOrderInline]

    @admin.display(description="leçons")
    def lesson_count(self, module):
        return module.lessons.count()

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("lessons")

    def save_formset(self, request, form, formset, change):
        # Lessons reordered or published from here keep their first version too.
        for lesson_form in formset.initial_forms:
            if lesson_form.has_changed():
                keep_initial_version(lesson_form.instance)
        super().save_formset(request, form, formset, change)

    def learner_data_message(self, objs):
        used = set(
            LessonCompletion.objects.filter(lesson__module__in=objs).values_list("lesson__module_id", flat=True)
        )
        return [
            f"Des apprenant·es ont déjà terminé des leçons du module « {module} » : le supprimer effacerait "
            "leur progression. Passez-le en brouillon pour le retirer du parcours."
            for module in objs if module.pk in used
        ]


class LessonAdminForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = ["module", "title", "slug", "order", "status", "body", "guide_sections"]
        widgets = {"body": forms.Textarea(attrs={"rows": 30, "cols": 100})}


@admin.register(Lesson)
class LessonAdmin(RowLabelledListMixin, LearnerDataGuardMixin, ContentHistoryAdmin):
    form = LessonAdminForm
    list_display = ["title", "module", "order", "status", "updated_at"]
    list_editable = ["order", "status"]
    list_filter = ["status", "module"]
    list_select_related = ["module"]
    search_fields = ["title", "slug", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["updated_at"]
    fieldsets = (
        (None, {"fields": ("module", "title", "slug", "order", "status", "updated_at")}),
        ("Contenu", {"fields": ("body", "guide_sections")}),
    )

    def view_on_site(self, lesson):
        # "Voir sur le site" only when learners can see it; the preview shows the rest.
        if lesson.status == Status.PUBLISHED and lesson.module.status == Status.PUBLISHED:
            return lesson.get_absolute_url()
        return None

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["preview_url"] = reverse("preview:lesson", args=[obj.pk])
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def learner_data_message(self, objs):
        used = _completed_lessons({"lesson__in": objs})
        return [
            f"La leçon « {lesson} » a déjà été terminée par des apprenant·es : la supprimer effacerait leur "
            "progression. Passez-la en brouillon pour la retirer du parcours."
            for lesson in objs if lesson.pk in used
        ]


# --- Referral directory ---------------------------------------------------------------------


class ContactAdminForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = [
            "name", "slug", "kind", "departement", "roles", "order", "description", "phone", "phone_2", "email",
            "address", "hours", "website", "last_checked", "to_verify", "to_verify_note",
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("to_verify") and not (cleaned.get("to_verify_note") or "").strip():
            self.add_error("to_verify_note", "Indiquez ce qui est à vérifier (numéro, adresse, horaires…).")
        return cleaned


@admin.register(Contact)
class ContactAdmin(ContentHistoryAdmin):
    form = ContactAdminForm
    list_display = ["name", "kind", "departement", "phone", "last_checked", "to_verify"]
    list_filter = ["to_verify", "kind", "departement"]
    search_fields = ["name", "slug", "description", "phone", "email"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "last_checked"
    actions = ["mark_checked_today"]
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "departement", "roles", "order")}),
        ("Coordonnées", {"fields": ("description", "phone", "phone_2", "email", "address", "hours", "website")}),
        ("Vérification", {"fields": ("last_checked", "to_verify", "to_verify_note")}),
    )

    @admin.action(description="Marquer comme vérifiés aujourd'hui (et plus à vérifier)")
    def mark_checked_today(self, request, queryset):
        today = timezone.localdate()
        count = 0
        with transaction.atomic():
            for contact in queryset:
                keep_initial_version(contact)
                contact.last_checked = today
                contact.to_verify = False
                contact.to_verify_note = ""
                contact._history_user = request.user
                contact._change_reason = "Vérifié"
                contact.save()
                count += 1
        self.message_user(request, f"{count} contact(s) marqué(s) comme vérifié(s) le {today:%d/%m/%Y}.", messages.SUCCESS)
