"""Trainer forms: create a cohort, act on its join code, filter the learner table."""
from django import forms

from elearning.models import Cohort, Departement, Organisation, Profession
from elearning.validators import validate_printable_name


class CohortForm(forms.Form):
    """A new cohort, in one of the organisations where the user is a trainer."""

    DUPLICATE_NAME = "Un groupe porte déjà ce nom dans cette organisation : choisissez-en un autre."

    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=Organisation.objects.none(), empty_label=None,
        error_messages={"invalid_choice": "Choisissez une de vos organisations."},
    )
    name = forms.CharField(
        label="Nom du groupe", max_length=200, validators=[validate_printable_name],
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
            self.add_error("name", self.DUPLICATE_NAME)
        return data


class CodeActionForm(forms.Form):
    """Close the join code, reopen it, or replace it by a new one."""

    CLOSE = "fermer"
    OPEN = "ouvrir"
    REGENERATE = "renouveler"

    action = forms.ChoiceField(choices=[(CLOSE, "Fermer"), (OPEN, "Rouvrir"), (REGENERATE, "Renouveler")])
    retour = forms.ChoiceField(choices=[("groupe", "groupe"), ("liste", "liste")], required=False)


class LearnerFilterForm(forms.Form):
    """The filters above the learner table (a GET form: the URL can be shared), and the sort
    key carried along in a hidden field. `sorts`: the sort keys the table offers (each also
    descending, with a leading "-")."""

    tri = forms.ChoiceField(required=False, widget=forms.HiddenInput)
    recherche = forms.CharField(label="Nom ou e-mail", required=False, max_length=100)

    profession = forms.ChoiceField(label="Profession", required=False,
                                   choices=[("", "Toutes"), *Profession.choices])
    departement = forms.ChoiceField(label="Département", required=False,
                                    choices=[("", "Tous"), *Departement.choices])

    def __init__(self, *args, sorts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tri"].choices = [("", ""), *((key, key) for key in sorts), *((f"-{key}", key) for key in sorts)]

    def valid_data(self) -> dict:
        """The values that passed validation; a value that did not falls back to "" (the
        table's default), since a shared or edited URL must still show the table."""
        self.is_valid()
        return {name: self.cleaned_data.get(name, "") for name in self.fields}


class RosterImportForm(forms.Form):
    """A CSV file of learners to enrol."""

    fichier = forms.FileField(
        label="Fichier CSV",
        help_text="Une ligne de titres (« nom », « prénom », « e-mail », « profession », « département »), "
                  "puis une ligne par personne ; 500 lignes et 200 Ko au plus. Séparateur « ; » ou « , ».",
        error_messages={"required": "Choisissez un fichier CSV.", "empty": "Le fichier est vide."},
    )
