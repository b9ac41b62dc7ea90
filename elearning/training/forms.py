"""Trainer forms: create a cohort, act on its join code, filter the learner table."""
from django import forms

from elearning.models import Cohort, Departement, Organisation, Profession


class CohortForm(forms.Form):
    """A new cohort, in one of the organisations where the user is a trainer."""

    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=Organisation.objects.none(), empty_label=None,
        error_messages={"invalid_choice": "Choisissez une de vos organisations."},
    )
    name = forms.CharField(
        label="Nom du groupe", max_length=200,
        help_text="Par exemple : « CPE du bassin de Saint-Denis — mars 2026 ».",
        error_messages={"required": "Donnez un nom au groupe."},
    )

    def __init__(self, organisations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        # Evaluated once here; the page lists the same organisations.
        self.organisations = list(organisations)
        if len(self.organisations) == 1:
            self.fields["organisation"].initial = self.organisations[0].pk
            self.fields["organisation"].widget = forms.HiddenInput()

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean(self):
        data = super().clean()
        organisation, name = data.get("organisation"), data.get("name")
        if organisation and name and Cohort.objects.filter(organisation=organisation, name__iexact=name).exists():
            self.add_error("name", "Un groupe porte déjà ce nom dans cette organisation : choisissez-en un autre.")
        return data


class CodeActionForm(forms.Form):
    """Close the join code, reopen it, or replace it by a new one."""

    CLOSE = "fermer"
    OPEN = "ouvrir"
    REGENERATE = "renouveler"

    action = forms.ChoiceField(choices=[(CLOSE, "Fermer"), (OPEN, "Rouvrir"), (REGENERATE, "Renouveler")])
    retour = forms.ChoiceField(choices=[("groupe", "groupe"), ("liste", "liste")], required=False)


class LearnerFilterForm(forms.Form):
    """The filters above the learner table (a GET form: the URL can be shared)."""

    profession = forms.ChoiceField(label="Profession", required=False,
                                   choices=[("", "Toutes"), *Profession.choices])
    departement = forms.ChoiceField(label="Département", required=False,
                                    choices=[("", "Tous"), *Departement.choices])
