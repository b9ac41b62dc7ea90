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
import difflib

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from elearning import drafts, markdown, vocabulary
from elearning.directory import confirm_contacts, unconfirmable
from elearning.history import INITIAL_VERSION_REASON, keep_initial_version  # noqa: F401 (re-exported)
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

RESTORED_REASON = "Version antérieure rétablie"


# --- Shared behaviour ---------------------------------------------------------------------


def lf_newlines(text: str) -> str:
    """Line endings as in the fixtures (LF), whatever the browser sent (CRLF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class LfTextField(forms.CharField):
    """A long text typed in a browser: browsers send CRLF line endings, and Django's default
    field strips the final newline, so every save rewrote every line of a lesson (and
    `export_course` then wrote CRLF into the fixtures). Here the text is kept as typed, with
    LF endings and its final newline; a text of spaces only is empty."""

    def __init__(self, *args, **kwargs):
        kwargs["strip"] = False
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = lf_newlines(super().to_python(value))
        return value if value.strip() else ""


class LfTextMixin:
    """Every long text (Markdown) of an admin form goes through `LfTextField`."""

    formfield_overrides = {models.TextField: {"form_class": LfTextField}}


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
        self.warn_unclosed_html(request, obj, prefix)

    def warn_unclosed_html(self, request, obj, prefix=""):
        """Raw HTML left open (`<math>`, `<style>`, a comment…) silently hides the rest of the
        text from learners: say so after the save, with the tag to close."""
        for field in obj._meta.concrete_fields:
            if not isinstance(field, models.TextField):
                continue
            tags = markdown.unclosed_html(getattr(obj, field.attname, ""))
            if tags:
                self.message_user(request, (
                    f"HTML non refermé dans « {prefix}{field.verbose_name} » : {', '.join(tags)}. "
                    "Tout ce qui suit risque de ne pas s'afficher : refermez la balise ou retirez-la."
                ), messages.WARNING)

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


class FrenchDeleteActionMixin:
    """Django's « Supprimer les %(verbose_name_plural)s sélectionnés » in correct French for
    this model (agreement, plural)."""

    delete_selected_label = ""

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.delete_selected_label and "delete_selected" in actions:
            function, name, _ = actions["delete_selected"]
            actions["delete_selected"] = (function, name, self.delete_selected_label)
        return actions


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


class DraftAdminMixin:
    """Published content is never changed in place: « Enregistrer le brouillon » keeps the
    edit as a draft (learners still read the published version), « Prévisualiser » keeps it
    and opens the preview, « Publier » makes it the published version (a version « Publié »
    in the history). Content not yet published is saved directly (nobody reads it) and
    published with the same button.

    Subclasses set `preview_url_name`; `draft_extra(request, formsets)` adds what inlines
    hold (a question's options)."""

    preview_url_name = ""
    DRAFT_BUTTONS = {"_save_draft", "_preview", "_publish"}

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        return drafts.with_draft(obj) if obj is not None else None

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["draft_buttons"] = True
        context["has_draft"] = getattr(obj, "_draft", None) is not None
        context["is_live"] = obj is not None and drafts.is_live(obj)
        if obj is not None and self.preview_url_name:
            context["preview_url"] = reverse(self.preview_url_name, args=[obj.pk])
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def _keeps_draft(self, request, obj, change) -> bool:
        # Restoring a version from the history is an explicit publication of that version.
        restoring = getattr(self, "_is_restoring", lambda r: False)(request)
        return change and not restoring and drafts.is_live(obj) and "_publish" not in request.POST

    def save_model(self, request, obj, form, change):
        if self._keeps_draft(request, obj, change):
            request._draft_object = obj  # saved with its inlines in save_related
            return
        if "_publish" in request.POST:
            drafts.prepare_publication(obj, user=request.user)
        elif self.DRAFT_BUTTONS & set(request.POST):
            obj.status = Status.DRAFT  # not live yet: stays out of the learners' sight
        super().save_model(request, obj, form, change)

    def draft_extra(self, request, formsets) -> dict:
        return {}

    def save_related(self, request, form, formsets, change):
        obj = getattr(request, "_draft_object", None)
        if obj is not None:
            drafts.save_draft(obj=obj, user=request.user, extra=self.draft_extra(request, formsets))
            self.warn_vocabulary(request, obj)
            for formset in formsets:  # nothing saved: the change message lists nothing
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        super().save_related(request, form, formsets, change)
        if "_publish" in request.POST:
            drafts.discard(form.instance)

    def _after_save(self, request, obj):
        if getattr(request, "_draft_object", None) is not None:
            self.message_user(request, (
                f"Brouillon de « {obj} » enregistré : les apprenant·es voient toujours la version publiée. "
                "Prévisualisez-le, puis publiez-le."), messages.SUCCESS)
        elif "_publish" in request.POST:
            self.message_user(request, f"« {obj} » est publié : c'est désormais la version que voient les apprenant·es.",
                              messages.SUCCESS)
        elif "_save_draft" in request.POST or "_preview" in request.POST:
            self.message_user(request, f"Brouillon de « {obj} » enregistré (pas encore publié).", messages.SUCCESS)
        else:
            return None
        if "_preview" in request.POST and self.preview_url_name:
            return redirect(reverse(self.preview_url_name, args=[obj.pk]))
        opts = obj._meta
        return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))

    def response_change(self, request, obj):
        return self._after_save(request, obj) or super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        return self._after_save(request, obj) or super().response_add(request, obj, post_url_continue)


def line_diff(old: str, new: str, *, context: int = 1) -> list[dict]:
    """The lines that changed between two versions of a text, with `context` unchanged lines
    around each change; a gap between two changes is one `skip` entry. Kinds: `same`,
    `removed`, `added`, `skip`. Lines are plain text (the template escapes them)."""
    rows = []
    diff = difflib.unified_diff(lf_newlines(old or "").split("\n"), lf_newlines(new or "").split("\n"),
                                n=context, lineterm="")
    for line in diff:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            if rows:
                rows.append({"kind": "skip", "text": ""})
            continue
        kind = {"-": "removed", "+": "added"}.get(line[:1], "same")
        rows.append({"kind": kind, "text": line[1:]})
    return rows


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    """The history's comparison column: a long text (Markdown) is shown as the lines that
    changed, in full, instead of two truncated one-line excerpts."""

    def context_for_delta_changes(self, delta):
        rows = super().context_for_delta_changes(delta)
        for row, change in zip(rows, delta.changes, strict=True):
            field = self.model._meta.get_field(change.field)
            if isinstance(field, models.TextField):
                row["lines"] = line_diff(change.old, change.new)
        return rows


class ContentHistoryAdmin(LfTextMixin, VocabularyCheckMixin, SimpleHistoryAdmin):
    """History (list, diff, restore) in French, with the first version kept."""

    object_history_list_template = "admin/history/object_history_list.html"
    object_history_form_template = "admin/history/object_history_form.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryHelper(self.model, historical_record)

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


PERMISSION_ACTIONS = {"add": "ajouter", "change": "modifier", "delete": "supprimer", "view": "voir"}


def permission_label(permission) -> str:
    """« Parcours et comptes | leçon | Peut modifier » rather than Django's « Can change leçon »
    (permission names are written in English when the database is created)."""
    action, _, _model = permission.codename.partition("_")
    model = permission.content_type.model_class()
    model_name = model._meta.verbose_name if model else permission.content_type.model
    app = model._meta.app_config.verbose_name if model else permission.content_type.app_label
    verb = PERMISSION_ACTIONS.get(action)
    return f"{app} | {model_name} | " + (f"Peut {verb}" if verb else permission.name)


class FrenchPermissionsMixin:
    """The permission pickers of users and groups, in French."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in ("permissions", "user_permissions"):
            field.queryset = field.queryset.select_related("content_type")
            field.label_from_instance = permission_label
        return field



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
class UserAdmin(FrenchPermissionsMixin, SuperuserOnlyMixin, BaseUserAdmin):
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
class OrganisationAdmin(FrenchDeleteActionMixin, SuperuserOnlyMixin, admin.ModelAdmin):
    delete_selected_label = "Supprimer les organisations sélectionnées"
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


class CertificateAdminForm(forms.ModelForm):
    class Meta:
        model = Certificate
        fields = ["learner_name", "course_title", "completed_on", "final_score"]
        help_texts = {
            "learner_name": "Corriger ici ne change pas le compte ; si la personne corrige son nom dans "
                            "« Mon compte », l'attestation suit automatiquement.",
            "final_score": "Entre 0 et 1 (0,85 pour 85 %).",
        }


@admin.register(Certificate)
class CertificateAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    """Correct a certificate (a typo in the name, a wrong date): it is reissued under the same
    code, with the date of reissue; the check page shows the corrected text."""

    form = CertificateAdminForm
    list_display = ["learner_name", "course_title", "completed_on", "code", "reissued_at"]
    search_fields = ["learner_name", "code"]
    readonly_fields = ["code", "user", "course", "issued_at", "reissued_at"]
    fieldsets = (
        (None, {"fields": ("code", "user", "course", "issued_at", "reissued_at")}),
        ("Texte de l'attestation", {"fields": ("learner_name", "course_title", "completed_on", "final_score")}),
    )

    def has_add_permission(self, request, *args):
        return False  # issued by the course, never by hand

    def save_model(self, request, obj, form, change):
        if form.changed_data:
            obj.reissued_at = timezone.now()
        super().save_model(request, obj, form, change)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(FrenchPermissionsMixin, SuperuserOnlyMixin, BaseGroupAdmin):
    pass


# --- Course ---------------------------------------------------------------------------------


@admin.register(Course)
class CourseAdmin(LfTextMixin, LearnerDataGuardMixin, VocabularyCheckMixin, admin.ModelAdmin):
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
class ModuleAdmin(LfTextMixin, RowLabelledListMixin, LearnerDataGuardMixin, VocabularyCheckMixin, admin.ModelAdmin):
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
class LessonAdmin(FrenchDeleteActionMixin, RowLabelledListMixin, LearnerDataGuardMixin, DraftAdminMixin,
                  ContentHistoryAdmin):
    form = LessonAdminForm
    delete_selected_label = "Supprimer les leçons sélectionnées"
    preview_url_name = "preview:lesson"
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
            "name", "slug", "kind", "departement", "roles", "order", "description", "phone", "phone_doubtful",
            "phone_2", "phone_2_doubtful", "email", "address", "hours", "hours_from_guide", "website", "source",
            "to_verify", "to_verify_note",
        ]

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("phone_doubtful") or cleaned.get("phone_2_doubtful")) and not cleaned.get("to_verify"):
            self.add_error("to_verify", "Un numéro douteux rend l'entrée « à vérifier » : cochez-la et dites pourquoi.")
        if cleaned.get("to_verify") and not (cleaned.get("to_verify_note") or "").strip():
            self.add_error("to_verify_note", "Indiquez ce qui est à vérifier (numéro, adresse, horaires…).")
        if not (cleaned.get("source") or "").strip() and not (self.instance and self.instance.confirmed_at):
            self.add_error("source", "Indiquez d'où viennent ces coordonnées, avec l'année (« le guide régional, 2022 »).")
        return cleaned


@admin.register(Contact)
class ContactAdmin(FrenchDeleteActionMixin, ContentHistoryAdmin):
    form = ContactAdminForm
    delete_selected_label = "Supprimer les contacts sélectionnés"
    list_display = ["name", "kind", "departement", "phone", "confirmed_at", "to_verify"]
    list_filter = ["to_verify", ("confirmed_at", admin.EmptyFieldListFilter), "kind", "departement"]
    search_fields = ["name", "slug", "description", "phone", "email"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["confirmed_at", "confirmed_by"]
    actions = ["mark_confirmed"]
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "departement", "roles", "order")}),
        ("Coordonnées", {"fields": ("description", "phone", "phone_doubtful", "phone_2", "phone_2_doubtful", "email",
                                    "address", "hours", "hours_from_guide", "website")}),
        ("Provenance et vérification", {
            "fields": ("source", "confirmed_at", "confirmed_by", "to_verify", "to_verify_note"),
            "description": "Tant qu'une personne de l'équipe n'a pas confirmé l'entrée (action « Marquer comme "
                           "vérifié » de la liste), l'annuaire affiche sa source, pas une date de vérification.",
        }),
    )

    @admin.action(description="Marquer comme vérifié (par moi, aujourd'hui)", permissions=["change"])
    def mark_confirmed(self, request, queryset):
        contacts = list(queryset)
        today = timezone.localdate()
        with transaction.atomic():
            for contact in contacts:
                keep_initial_version(contact)  # content loaded from the fixtures has no history yet
            confirmed = confirm_contacts(contacts=contacts, editor=request.user, on=today)
        if confirmed:
            self.message_user(request, f"{len(confirmed)} contact(s) marqué(s) comme vérifié(s) le {today:%d/%m/%Y}.",
                              messages.SUCCESS)
        for contact in contacts:
            reason = unconfirmable(contact)
            if reason:
                self.message_user(request, reason, messages.WARNING)


# --- Connection lockout (django-axes), in French ----------------------------------------------
# Its models keep their English `__str__` (breadcrumbs, titles) and two columns have no label:
# the admins below give them French ones; locale/fr holds the strings axes leaves in English.


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}" if moment else "—"


for axes_model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(axes_model):
        admin.site.unregister(axes_model)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(SuperuserOnlyMixin, axes_admin.AccessAttemptAdmin):
    list_display = [
        {"status": "status_label", "expiration": "expiration_label"}.get(name, name)
        for name in axes_admin.AccessAttemptAdmin.list_display
    ]
    fieldsets = (
        (None, {"fields": ("username", "path_info", "failures_since_start", "expiration_label")}),
        ("Données du formulaire", {"fields": ("get_data", "post_data")}),
        ("Métadonnées", {"fields": ("user_agent", "ip_address", "http_accept")}),
    )
    readonly_fields = [*axes_admin.AccessAttemptAdmin.readonly_fields, "expiration_label"]

    @admin.display(description="état")
    def status_label(self, obj):
        return self.status(obj)

    @admin.display(description="expire le")
    def expiration_label(self, obj):
        expiration = getattr(obj, "expiration", None)
        return _when(expiration.expires_at) if expiration else "Non définie"


@admin.register(AccessLog)
class AccessLogAdmin(SuperuserOnlyMixin, axes_admin.AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(SuperuserOnlyMixin, axes_admin.AccessFailureLogAdmin):
    pass


def _access_attempt_str(attempt) -> str:
    return f"Tentative de connexion du {_when(attempt.attempt_time)}"


def _access_log_str(log) -> str:
    return f"Connexion de {log.username} le {_when(log.attempt_time)}"


def _access_failure_str(failure) -> str:
    locked = " (compte verrouillé)" if failure.locked_out else ""
    return f"Échec de connexion de {failure.username}{locked} le {_when(failure.attempt_time)} depuis {failure.ip_address}"


# django-axes writes its `__str__` in English; the admin shows it in titles and breadcrumbs.
# These models have no French version to subclass without new tables, hence the replacement.
AccessAttempt.__str__ = _access_attempt_str
AccessLog.__str__ = _access_log_str
AccessFailureLog.__str__ = _access_failure_str
