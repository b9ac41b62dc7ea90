"""The editors' admin of a case (« situation évolutive »): scenes, endings and choices are
three inlines of the case's own form, so a whole case is built and checked in one save.

The three formsets are checked together (`quizzes.cases.validate_graph`): a save that would
leave an unknown key, an unreachable scene, a cycle, a scene from which no ending can be
reached, a choice without feedback or a scene without exactly one best choice is refused,
with French messages, and nothing is written.

A case that learners can play is changed with « Publier »: its scenes, endings and choices
are not kept as a draft (learners mid-case whose scene has gone start it again; past
attempts keep the path they played in their snapshot).
"""
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from elearning import drafts
from elearning.admin import LfTextMixin, RowLabelledForm
from quizzes.cases import validate_graph
from quizzes.models import CaseChoice, CaseEnding, CaseScene

DRAFT_REFUSED = (
    "Les scènes, fins et choix d'un cas déjà publié ne se gardent pas en brouillon : cliquez sur "
    "« Publier » pour appliquer ces changements (les tentatives passées gardent le parcours joué), "
    "ou passez d'abord la question en brouillon."
)


class CaseGraphFormSet(BaseInlineFormSet):
    """One of the three parts of a case; the choices' formset, created last, checks the
    whole graph with the two others (`siblings`, shared by the admin for one request)."""

    def __init__(self, *args, siblings: dict | None = None, keeps_draft: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.siblings = siblings if siblings is not None else {}
        self.siblings[self.model] = self
        self.keeps_draft = keeps_draft

    def kept_forms(self):
        return [
            form for form in self.forms
            if (form.instance.pk or form.has_changed()) and not self._should_delete_form(form)
        ]

    def changes_something(self) -> bool:
        return any(form.has_changed() for form in self.forms)

    def clean(self):
        super().clean()
        if self.model is not CaseChoice:
            return
        parts = [self.siblings.get(model) for model in (CaseScene, CaseEnding, CaseChoice)]
        if any(part is None for part in parts):
            return
        if self.keeps_draft and any(part.changes_something() for part in parts):
            raise ValidationError(DRAFT_REFUSED)
        if any(not form.is_valid() for part in parts for form in part.kept_forms()):
            return  # each row's own errors are shown first
        scenes, endings, choices = ([form.instance for form in part.kept_forms()] for part in parts)
        errors = validate_graph(scenes, endings, choices)
        if errors:
            raise ValidationError(errors)


class _Form(RowLabelledForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("text", "feedback", "debrief"):
            if name in self.fields:
                self.fields[name].widget = forms.Textarea(attrs={
                    "rows": 3, "cols": 40, **self.fields[name].widget.attrs})
        for name in ("key", "order", "scene_key", "next_key"):
            if name in self.fields:
                self.fields[name].widget.attrs.setdefault("size", 6)


class CaseSceneInline(LfTextMixin, admin.StackedInline):
    model = CaseScene
    form = _Form
    formset = CaseGraphFormSet
    fields = ["key", "order", "title", "text"]
    extra = 0
    verbose_name = "scène"
    verbose_name_plural = "Scènes (la scène d'ordre le plus petit ouvre le cas ; 3 à 6 sur le meilleur parcours)"


class CaseEndingInline(LfTextMixin, admin.StackedInline):
    model = CaseEnding
    form = _Form
    formset = CaseGraphFormSet
    fields = ["key", "order", "title", "tone", "debrief"]
    extra = 0
    verbose_name = "fin"
    verbose_name_plural = "Fins (chacune avec son débriefing)"


class CaseChoiceInline(LfTextMixin, admin.TabularInline):
    model = CaseChoice
    form = _Form
    formset = CaseGraphFormSet
    fields = ["scene_key", "key", "order", "text", "points", "feedback", "next_key", "decision"]
    extra = 0
    verbose_name = "choix"
    verbose_name_plural = ("Choix de chaque scène (repère de la scène, 0 / 1 / 2 points, explication, "
                           "scène suivante ou fin)")


CASE_INLINES = [CaseSceneInline, CaseEndingInline, CaseChoiceInline]


class CaseAdminMixin:
    """Hands the three formsets to each other, and says when a draft cannot hold them."""

    inlines = CASE_INLINES

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if not hasattr(request, "_case_formsets"):
            request._case_formsets = {}
        kwargs["siblings"] = request._case_formsets
        kwargs["keeps_draft"] = (
            request.method == "POST" and obj is not None and obj.pk is not None and drafts.is_live(obj)
            and "_publish" not in request.POST
        )
        return kwargs

    def get_inline_instances(self, request, obj=None):
        instances = super().get_inline_instances(request, obj)
        if obj is None:  # a new case: a few empty rows to start from
            for inline in instances:
                inline.extra = {CaseScene: 3, CaseEnding: 2, CaseChoice: 9}[inline.model]
        return instances
