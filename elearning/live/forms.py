from django import forms

from elearning.live.sessions import live_quizzes
from elearning.validators import validate_printable_name


class StartForm(forms.Form):
    quiz = forms.ModelChoiceField(
        label="Quiz à animer", queryset=None, empty_label="Choisir un quiz…",
        error_messages={"required": "Choisissez un quiz.", "invalid_choice": "Ce quiz n'est pas disponible."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quiz"].queryset = live_quizzes()


class JoinForm(forms.Form):
    code = forms.CharField(
        label="Code de la session", max_length=12,
        help_text="Six caractères, affichés à l'écran par la formatrice ou le formateur.",
        error_messages={"required": "Saisissez le code affiché à l'écran."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    pseudonym = forms.CharField(
        label="Prénom ou pseudonyme (facultatif)", max_length=40, required=False,
        help_text="Il n'est jamais affiché à la salle. N'indiquez aucune information sur une personne réelle.",
    )

    def clean_pseudonym(self):
        value = self.cleaned_data["pseudonym"]
        try:
            validate_printable_name(value)  # the one rule for names (elearning/validators.py)
        except forms.ValidationError:
            raise forms.ValidationError("Ce pseudonyme contient des caractères invisibles : retirez-les.") from None
        return value
