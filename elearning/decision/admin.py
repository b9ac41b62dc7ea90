"""Editors change the decision aid like the lessons: history, restore, vocabulary check,
and a tree that is checked as a whole before any change is saved."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from elearning.admin import ContentHistoryAdmin
from elearning.decision.models import Choice, Outcome, Step
from elearning.decision.tree import Tree, load_tree, path_to, validate
from elearning.models import Contact


def _unknown_contacts(value: str) -> list[str]:
    slugs = [s.strip() for s in value.split(",") if s.strip()]
    known = set(Contact.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    return [s for s in slugs if s not in known]


class ChoiceInlineFormSet(forms.BaseInlineFormSet):
    """Refuses a change that would leave the tree with a dead end or a cycle: the tree is
    checked with this step's answers as they would be once saved."""

    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        pending = []
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            choice = form.instance
            for name, value in form.cleaned_data.items():
                if name in {"outcome", "next_step", "value", "label", "departement"}:
                    setattr(choice, name, value)
            pending.append(choice)
        tree = load_tree()
        step = self.instance
        steps = [s for s in tree.steps if s.pk != step.pk] + [step]
        if step.pk is None:
            step.pk = step.id = -1  # a new step: a stand-in id for the check only
        choices = {k: v for k, v in tree.choices.items() if k != step.pk}
        for choice in pending:
            choice.step_id = step.pk
        choices[step.pk] = pending
        errors, _ = validate(Tree(steps=steps, choices=choices, outcomes=tree.outcomes))
        if step.pk == -1:
            step.pk = step.id = None
        if errors:
            raise ValidationError(errors)


class ChoiceForm(forms.ModelForm):
    class Meta:
        model = Choice
        fields = [
            "value", "order", "label", "hint", "outcome", "next_step", "departement",
            "note_title", "note", "extra_contacts",
        ]

    def clean_extra_contacts(self):
        value = self.cleaned_data["extra_contacts"]
        unknown = _unknown_contacts(value)
        if unknown:
            raise ValidationError(f"Contact inconnu dans l'annuaire : {', '.join(unknown)}.")
        return value


class ChoiceInline(admin.StackedInline):
    model = Choice
    form = ChoiceForm
    formset = ChoiceInlineFormSet
    fk_name = "step"
    extra = 0
    fields = [
        ("value", "order"), "label", "hint", ("outcome", "next_step"), "departement",
        "note_title", "note", "extra_contacts",
    ]


@admin.register(Step)
class StepAdmin(ContentHistoryAdmin):
    list_display = ["question", "param", "order", "is_start", "preview_link"]
    ordering = ["order", "slug"]
    inlines = [ChoiceInline]
    readonly_fields = ["preview_link"]

    @admin.display(description="voir sur le site")
    def preview_link(self, obj):
        if not obj or not obj.pk:
            return "—"
        answers = path_to(load_tree(), obj)
        if answers is None:
            return "Étape atteinte par aucun chemin"
        url = reverse("decision:aid") + (f"?{urlencode(answers)}" if answers else "")
        return format_html('<a href="{}">Voir cette étape</a>', url)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for choice in form.instance.choices.all():
            self.warn_vocabulary(request, choice, prefix="Réponse « " + choice.value + " » — ")
        _, warnings = validate(load_tree())
        for warning in warnings:
            self.message_user(request, warning, messages.WARNING)


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = Outcome
        fields = [
            "slug", "title", "summary", "order", "urgent", "what_now", "legal_basis", "what_to_write",
            "parents", "what_not_to_do", "support", "contact_kinds", "national_contacts",
        ]

    def clean_national_contacts(self):
        value = self.cleaned_data["national_contacts"]
        unknown = _unknown_contacts(value)
        if unknown:
            raise ValidationError(f"Contact inconnu dans l'annuaire : {', '.join(unknown)}.")
        return value

    def clean_contact_kinds(self):
        value = self.cleaned_data["contact_kinds"]
        kinds = [k.strip() for k in value.split(",") if k.strip()]
        unknown = [k for k in kinds if k not in Contact.Kind.values]
        if unknown:
            raise ValidationError(f"Type de contact inconnu : {', '.join(unknown)}.")
        return value


@admin.register(Outcome)
class OutcomeAdmin(ContentHistoryAdmin):
    form = OutcomeForm
    list_display = ["title", "slug", "order", "urgent"]
    ordering = ["order", "slug"]

    def view_on_site(self, obj):
        return reverse("decision:outcome", args=[obj.slug])
