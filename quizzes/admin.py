"""The editors' admin for quizzes and every question type.

- One parent admin lists every question (django-polymorphic); each type has its child
  admin with its own fields and an options inline whose rules are the type's own
  `validate_options` (the admin never repeats them).
- A question that learners have answered cannot be deleted (`Answer.question` is PROTECT):
  the admin says so in French and offers to archive it; an archived question is no longer
  shown to learners, and past attempts keep their snapshot and their score.
- History: a question and its options are one version. An admin save writes the question,
  then its options, so the options of a version are the option rows written before the
  question's next version; restoring a version restores both.
"""
import string
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from polymorphic.admin import (
    PolymorphicChildModelAdmin,
    PolymorphicChildModelFilter,
    PolymorphicParentModelAdmin,
)

from elearning.admin import (
    ContentHistoryAdmin,
    DraftAdminMixin,
    FrenchDeleteActionMixin,
    LearnerDataGuardMixin,
    LfTextMixin,
    RowLabelledForm,
    RowLabelledListMixin,
    VocabularyCheckMixin,
    keep_initial_version,
)
from quizzes.drafts import OPTION_DRAFT_FIELDS, draft_options, option_draft_rows
from quizzes.models import (
    Answer,
    Attempt,
    DecisionQuestion,
    MultipleChoiceQuestion,
    Option,
    Question,
    Quiz,
    SignalQuestion,
    SingleChoiceQuestion,
    WordingQuestion,
)
from quizzes.revisions import (
    answered_version,
    archive_answered_version,
    archived_message,
    right_answer_changed,
)

QUESTION_TYPES = [SignalQuestion, DecisionQuestion, WordingQuestion, SingleChoiceQuestion, MultipleChoiceQuestion]
ARCHIVE_HELP = (
    "Archivez-la : elle ne sera plus proposée aux apprenant·es, et les résultats déjà obtenus "
    "restent intacts."
)


def questions_in_use(questions) -> set[int]:
    """Ids of the questions that learners have answered (one query)."""
    ids = [q.pk for q in questions]
    return set(Answer.objects.filter(question_id__in=ids).values_list("question_id", flat=True).distinct())


def in_use_messages(questions) -> list[str]:
    used = questions_in_use(questions)
    return [
        f"La question « {q.title} » a déjà été proposée à des apprenant·es : elle ne peut pas être "
        f"supprimée. {ARCHIVE_HELP}"
        for q in questions if q.pk in used
    ]


def type_label(question) -> str:
    model = ContentType.objects.get_for_id(question.polymorphic_ctype_id).model_class()
    return getattr(model, "type_label", "") or str(model._meta.verbose_name)


# --- History of a question with its options -----------------------------------------------


def version_options(question, record) -> list[Option]:
    """The options as they stood in the version `record` of `question`."""
    history = type(question).history
    later = (
        history.filter(id=question.pk, history_date__gt=record.history_date).order_by("history_date").first()
    )
    if later is None:
        return list(question.options.order_by("order", "id"))
    latest = {}
    rows = Option.history.filter(question_id=question.pk, history_date__lt=later.history_date)
    for row in rows.order_by("history_date", "history_id"):
        latest[row.id] = row
    kept = [row.instance for row in latest.values() if row.history_type != "-"]
    # Options never changed since `load_course` have no history: they were there all along.
    kept += list(question.options.exclude(id__in=Option.history.filter(question_id=question.pk).values("id")))
    return sorted(kept, key=lambda option: (option.order, option.id))


def keep_question_history(question) -> None:
    """Before a first change: keep the question as loaded, with its options (written just
    after it, as an admin save would)."""
    now = timezone.now()
    keep_initial_version(question, date=now - timedelta(seconds=2))
    for option in Option.objects.filter(question_id=question.pk):
        keep_initial_version(option, date=now - timedelta(seconds=1))


def restore_options(question, options: list[Option], *, user) -> None:
    """Make the question's options exactly `options` (rows of an earlier version)."""
    keep = {option.id for option in options}
    for current in question.options.exclude(id__in=keep):
        current._history_user = user
        current._change_reason = "Retirée en rétablissant une version antérieure"
        current.delete()
    # Free the keys first: a restored version may swap them, and (question, key) is unique.
    for index, option_id in enumerate(question.options.values_list("id", flat=True)):
        Option.objects.filter(id=option_id).update(key=f"~{index}")
    for option in options:
        option._history_user = user
        option._change_reason = "Rétablie avec la question"
        option.save()


# --- Options inline -------------------------------------------------------------------------


class OptionForm(RowLabelledForm):
    class Meta:
        model = Option
        fields = ["key", "order", "pinned", "text", "is_correct", "family", "decision", "feedback"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3, "cols": 40}),
            "feedback": forms.Textarea(attrs={"rows": 3, "cols": 50}),
            "key": forms.TextInput(attrs={"size": 3}),
            "order": forms.NumberInput(attrs={"size": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "key" in self.fields:
            self.fields["key"].required = False
            self.fields["key"].help_text = "Laissez vide : la lettre suivante est attribuée."
            # The table header shows no help text: the field's own label says it.
            self.fields["key"].widget.attrs["placeholder"] = "auto"


class OptionFormSet(BaseInlineFormSet):
    """Validates the options as a whole with the question type's own rules.

    With a draft pending, the form shows the draft's options: existing ones with their
    draft values, ones removed in the draft ticked « supprimer », new ones as extra rows."""

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        self.draft_rows = draft_options(instance) if instance is not None and instance.pk else None
        if self.draft_rows is not None and not kwargs.get("data"):
            kwargs["initial"] = [
                {name: getattr(option, name) for name in OPTION_DRAFT_FIELDS}
                for option in self.draft_rows if option.pk < 0
            ]
        super().__init__(*args, **kwargs)

    def get_unique_error_message(self, unique_check):
        # Django names the fields by their code name ("key"): say it in the editors' words.
        labels = [str(self.model._meta.get_field(name).verbose_name) for name in unique_check
                  if name != self.fk.name]
        return (f"Deux options ont le même {' et '.join(labels)} : chaque option de la question doit avoir le sien "
                "(a, b, c…). Laissez le repère vide pour qu'une lettre libre soit attribuée.")

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.draft_rows is None or self.is_bound:
            return queryset
        if not hasattr(self, "_draft_queryset"):
            drafted = {option.pk: option for option in self.draft_rows if option.pk > 0}
            self._draft_queryset = [drafted.get(option.pk, option) for option in queryset]
            for option in self._draft_queryset:
                option._removed_in_draft = option.pk not in drafted
        return self._draft_queryset

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if getattr(form.instance, "_removed_in_draft", False) and "DELETE" in form.fields:
            form.fields["DELETE"].initial = True

    def kept_forms(self):
        return [
            form for form in self.forms
            if (form.instance.pk or form.has_changed()) and not self._should_delete_form(form)
        ]

    def clean(self):
        # New options left without a key get the next free letter, before the formset
        # checks that keys are unique within the question.
        kept = self.kept_forms()
        used = {form.instance.key for form in kept if form.instance.key}
        free = (letter for letter in string.ascii_lowercase if letter not in used)
        for form in kept:
            if not form.instance.key:
                form.instance.key = next(free, "")
                if not form.instance.key:
                    raise ValidationError("Plus aucune lettre libre pour le repère : donnez un repère à chaque option "
                                          "(a, b, c… puis a1, a2…).")
                form.instance._key_assigned = True  # said to the editor after the save
                if hasattr(form, "cleaned_data"):
                    form.cleaned_data["key"] = form.instance.key
        super().clean()
        errors = self.instance.validate_options([form.instance for form in kept])
        if errors:
            raise ValidationError(errors)


class OptionInline(LfTextMixin, admin.TabularInline):
    model = Option
    form = OptionForm
    formset = OptionFormSet
    fields = ["key", "order", "pinned", "text", "is_correct", "feedback"]
    verbose_name = "option"
    verbose_name_plural = "Options proposées (chacune avec son explication ; repère vide : lettre libre attribuée)"

    def get_extra(self, request, obj=None, **kwargs):
        if obj is None:
            return 4
        pending = draft_options(obj) or []
        return 1 + sum(1 for option in pending if option.pk < 0)


class SignalOptionInline(OptionInline):
    fields = ["key", "order", "pinned", "text", "is_correct", "family", "feedback"]
    verbose_name_plural = "Éléments de la situation : signaux (cochés « correcte ») et distracteurs"


class DecisionOptionInline(OptionInline):
    fields = ["key", "order", "pinned", "text", "decision", "is_correct", "feedback"]
    verbose_name_plural = "Décisions proposées (une seule correcte)"


class WordingOptionInline(OptionInline):
    verbose_name_plural = "Formulations proposées (au moins une juste)"


# --- Question admins ------------------------------------------------------------------------


class QuestionChildAdmin(PolymorphicChildModelAdmin, DraftAdminMixin, ContentHistoryAdmin):
    """What every question type's admin shares. A question of a published quiz is edited as
    a draft (its options with it); a question added to a published quiz is not shown to
    learners until it is published."""

    base_model = Question
    preview_url_name = "preview:question"
    inlines = [OptionInline]
    prepopulated_fields = {"slug": ["title"]}
    base_fieldsets = (
        (None, {"fields": ("quiz", "order", "title", "slug", "skill", "lesson", "archived", "status")}),
        ("Énoncé", {"fields": ("prompt", "explanation")}),
    )
    extra_fieldset_title = "Propre à ce type de question"
    # The history pages are simple-history's (polymorphic's child admin would pick Django's).
    object_history_template = "simple_history/object_history.html"
    object_history_form_template = "admin/quizzes/question/object_history_form.html"
    delete_confirmation_template = "admin/quizzes/question/delete_confirmation.html"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        for name in ("prompt", "explanation", "legal_basis", "key_points"):
            if name in form.base_fields:
                form.base_fields[name].widget.attrs.update({"rows": 8, "cols": 100})
        return form

    def save_model(self, request, obj, form, change):
        if change and not self._keeps_draft(request, obj, change):
            keep_question_history(obj)
            # Read before anything is written: the version learners answered, if any.
            request._answered_version = answered_version(question=obj)
        super().save_model(request, obj, form, change)

    def draft_extra(self, request, formsets) -> dict:
        options = next((formset for formset in formsets if formset.model is Option), None)
        return {"options": option_draft_rows(options)} if options is not None else {}

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(request, "_answered_version", None)
        if before is not None and right_answer_changed(before=before, question=form.instance):
            self._archive(request, before)

    def _archive(self, request, before) -> None:
        copy = archive_answered_version(before=before, user=request.user)
        self.message_user(request, archived_message(copy), messages.INFO)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Option:
            for option in formset.new_objects + [obj for obj, _ in formset.changed_objects]:
                self.warn_vocabulary(request, option, prefix=f"option {option.key} — ")
                if getattr(option, "_key_assigned", False):
                    self.message_user(request, f"Repère « {option.key} » attribué à l'option « {option.text[:60]} » "
                                               "(laissé vide).", messages.INFO)

    def _question_context(self, object_id):
        question_id = unquote(object_id)
        in_use = Answer.objects.filter(question_id=question_id).exists()
        return {
            "question_in_use": in_use,
            "archive_help": ARCHIVE_HELP,
            "archive_url": reverse("admin:quizzes_question_archive", args=[question_id]),
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = self._question_context(object_id)
        context["show_delete"] = not context["question_in_use"]
        return super().change_view(request, object_id, form_url, {**context, **(extra_context or {})})

    def delete_view(self, request, object_id, extra_context=None):
        # PolymorphicChildModelAdmin.delete_view drops extra_context: pass ours on.
        context = {"base_opts": Question._meta, **self._question_context(object_id), **(extra_context or {})}
        return super(PolymorphicChildModelAdmin, self).delete_view(request, object_id, context)

    def get_deleted_objects(self, objs, request):
        blocking = in_use_messages(objs)
        if blocking:
            return [], {}, set(), blocking
        return super().get_deleted_objects(objs, request)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        question = get_object_or_404(self.model, pk=unquote(object_id))
        record = get_object_or_404(self.model.history.model, id=question.pk, history_id=unquote(version_id))
        options = version_options(question, record)
        context = {"version_options": options, **(extra_context or {})}
        with transaction.atomic():
            response = super().history_form_view(request, object_id, version_id, context)
            if request.method == "POST" and response.status_code == 302:
                restore_options(question, options, user=request.user)
                # Restoring a version is an edit like any other: if it changes the right answer
                # of a question learners answered, their version is archived with their answers.
                before = getattr(request, "_answered_version", None)
                if before is not None and right_answer_changed(before=before, question=question):
                    self._archive(request, before)
                for error in question.validate_options(list(question.options.all())):
                    self.message_user(request, f"Version rétablie, mais à revoir : {error}", messages.WARNING)
        return response


@admin.register(SignalQuestion)
class SignalQuestionAdmin(QuestionChildAdmin):
    inlines = [SignalOptionInline]


@admin.register(DecisionQuestion)
class DecisionQuestionAdmin(QuestionChildAdmin):
    inlines = [DecisionOptionInline]


@admin.register(WordingQuestion)
class WordingQuestionAdmin(QuestionChildAdmin):
    inlines = [WordingOptionInline]


@admin.register(SingleChoiceQuestion)
class SingleChoiceQuestionAdmin(QuestionChildAdmin):
    pass


@admin.register(MultipleChoiceQuestion)
class MultipleChoiceQuestionAdmin(QuestionChildAdmin):
    pass


@admin.register(Question)
class QuestionAdmin(FrenchDeleteActionMixin, PolymorphicParentModelAdmin):
    base_model = Question
    delete_selected_label = "Supprimer les questions sélectionnées"
    child_models = QUESTION_TYPES
    list_display = ["title", "question_type", "quiz", "order", "skill", "status", "archived"]
    list_filter = [PolymorphicChildModelFilter, "quiz", "status", "archived", "skill"]
    list_select_related = ["quiz"]
    search_fields = ["title", "slug", "prompt"]
    actions = ["archive_selected", "unarchive_selected"]
    delete_selected_confirmation_template = "admin/content/delete_selected_confirmation.html"

    @admin.display(description="type")
    def question_type(self, question):
        return type_label(question)

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path("<int:object_id>/archiver/", self.admin_site.admin_view(self.archive_view),
                 name="{}_{}_archive".format(*info)),
            *super().get_urls(),
        ]

    def get_deleted_objects(self, objs, request):
        blocking = in_use_messages(objs)
        if blocking:
            return [], {}, set(), blocking
        return super().get_deleted_objects(objs, request)

    def archive_view(self, request, object_id):
        """GET: confirm; POST: archive. Offered instead of deleting a question in use."""
        question = get_object_or_404(Question, pk=object_id)
        child_admin = self.admin_site._registry[type(question)]
        if not child_admin.has_change_permission(request, question):
            raise PermissionDenied
        if request.method == "POST":
            _set_archived([question], True, request.user)
            self.message_user(
                request,
                f"La question « {question.title} » est archivée : elle n'est plus proposée aux apprenant·es ; "
                "les résultats déjà obtenus restent intacts.",
                messages.SUCCESS,
            )
            return redirect("admin:quizzes_question_change", question.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "Archiver la question",
            "object": question,
            "opts": Question._meta,
            "question_in_use": Answer.objects.filter(question_id=question.pk).exists(),
            "archive_help": ARCHIVE_HELP,
        }
        return TemplateResponse(request, "admin/quizzes/question/archive_confirmation.html", context)

    @admin.action(description="Archiver les questions sélectionnées", permissions=["change"])
    def archive_selected(self, request, queryset):
        count = _set_archived(queryset, True, request.user)
        self.message_user(request, f"{count} question(s) archivée(s) : elles ne sont plus proposées.", messages.SUCCESS)

    @admin.action(description="Proposer à nouveau les questions sélectionnées (désarchiver)", permissions=["change"])
    def unarchive_selected(self, request, queryset):
        count = _set_archived(queryset, False, request.user)
        self.message_user(request, f"{count} question(s) à nouveau proposée(s).", messages.SUCCESS)


def _set_archived(questions, archived: bool, user) -> int:
    """Archive or restore questions one by one, so each change enters the history."""
    count = 0
    with transaction.atomic():
        for question in Question.objects.filter(pk__in=[q.pk for q in questions]):
            if question.archived == archived:
                continue
            keep_question_history(question)
            question.archived = archived
            question._history_user = user
            question._change_reason = "Archivée" if archived else "Désarchivée"
            question.save()
            count += 1
    return count


# --- Quizzes ---------------------------------------------------------------------------------


class QuestionListInline(admin.TabularInline):
    """The quiz's questions, each linking to its own form (one form per question type)."""

    model = Question
    form = RowLabelledForm
    fields = ["order", "title", "question_type", "status", "archived"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = "question"
    verbose_name_plural = "Questions du quiz"

    def get_queryset(self, request):
        return super().get_queryset(request).non_polymorphic().order_by("order", "id")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="type")
    def question_type(self, question):
        return type_label(question)


class PassMarkPercentField(forms.Field):
    """The pass mark as editors think of it: a percentage from 0 to 100 (« 70 », « 70 % »,
    « 72,5 »); stored as a share between 0 and 1, as attempts copy it. « 0,7 » is refused
    with a message saying what to type: it would be a pass mark of 0.7 %."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "size": 6})
    default_error_messages = {
        "invalid": "Saisissez un pourcentage entre 0 et 100, par exemple 70 pour 70 %.",
        "range": "Le seuil de réussite doit être compris entre 0 et 100 %.",
        "fraction": "Le seuil s'exprime en pourcentage, de 0 à 100 : pour 70 %, saisissez 70 (et non {value}).",
        "required": "Indiquez le seuil de réussite, en pourcentage (0 à 100).",
    }

    def prepare_value(self, value):
        if isinstance(value, float):
            return f"{value * 100:g}".replace(".", ",")
        return value

    def to_python(self, value):
        text = str(value or "").strip().removesuffix("%").strip().replace("\u202f", "").replace(" ", "")
        if not text:
            return None
        try:
            percent = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not percent.is_finite() or percent < 0 or percent > 100:
            raise ValidationError(self.error_messages["range"], code="range")
        if 0 < percent <= 1:  # a share typed where a percentage is asked (0,7 or 1 for 100 %)
            raise ValidationError(self.error_messages["fraction"].format(value=text), code="fraction")
        return float(percent) / 100


class QuizAdminForm(forms.ModelForm):
    pass_mark = PassMarkPercentField(
        label="Seuil de réussite (%)", help_text="En pourcentage, de 0 à 100 : 70 signifie 70 % des points.")

    class Meta:
        model = Quiz
        fields = ["title", "slug", "kind", "module", "lesson", "order", "status", "pass_mark", "intro"]


@admin.register(Quiz)
class QuizAdmin(LfTextMixin, RowLabelledListMixin, LearnerDataGuardMixin, DraftAdminMixin, VocabularyCheckMixin,
                admin.ModelAdmin):
    form = QuizAdminForm
    preview_url_name = "preview:quiz"
    list_display = ["title", "kind", "module", "order", "status", "pass_mark_display"]
    list_editable = ["order", "status"]
    list_filter = ["kind", "status", "module"]
    list_select_related = ["module"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [QuestionListInline]
    fieldsets = (
        (None, {"fields": ("title", "slug", "kind", "module", "lesson", "order", "status", "pass_mark")}),
        ("Présentation", {"fields": ("intro",)}),
    )

    @admin.display(description="seuil de réussite")
    def pass_mark_display(self, quiz):
        return f"{round(quiz.pass_mark * 100)}\u202f%"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["add_question_url"] = reverse("admin:quizzes_question_add") + f"?quiz={obj.pk}"
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def learner_data_message(self, objs):
        used = set(Attempt.objects.filter(quiz__in=objs).values_list("quiz_id", flat=True).distinct())
        return [
            f"Le quiz « {quiz} » a déjà été passé par des apprenant·es : il ne peut pas être supprimé. "
            "Passez-le en brouillon pour le retirer du parcours, ou archivez les questions à retirer."
            for quiz in objs if quiz.pk in used
        ]
