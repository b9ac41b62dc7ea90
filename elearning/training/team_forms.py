"""Forms of the team pages: appoint a trainer by e-mail, accept an invitation, rename a
group, add a co-trainer."""
from django import forms
from django.contrib.auth import password_validation

from elearning.cohorts import clean_name
from elearning.models import Departement, Profession, User


class AppointForm(forms.Form):
    """A manager appoints a trainer by e-mail."""

    email = forms.EmailField(
        label="Adresse e-mail de la formatrice ou du formateur",
        help_text="Si la personne a déjà un compte, elle devient formatrice tout de suite ; sinon elle reçoit "
                  "une invitation par e-mail pour créer son compte.",
        error_messages={"required": "Saisissez une adresse e-mail.",
                        "invalid": "Saisissez une adresse e-mail valide (exemple : prenom.nom@exemple.fr)."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"


class InvitationSignupForm(forms.Form):
    """The invited person creates their account (the e-mail is the invited one)."""

    first_name = forms.CharField(label="Prénom", max_length=150, error_messages={"required": "Saisissez votre prénom."})
    last_name = forms.CharField(label="Nom", max_length=150, error_messages={"required": "Saisissez votre nom."})
    profession = forms.ChoiceField(label="Profession", required=False, choices=[("", "— Choisir —"), *Profession.choices])
    departement = forms.ChoiceField(label="Département où vous exercez", required=False,
                                    choices=[("", "— Choisir —"), *Departement.choices])
    password1 = forms.CharField(label="Mot de passe", strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text="Au moins 10 caractères, pas uniquement des chiffres, pas un mot de passe courant.",
                                error_messages={"required": "Choisissez un mot de passe."})
    password2 = forms.CharField(label="Confirmer le mot de passe", strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                error_messages={"required": "Confirmez le mot de passe."})

    def __init__(self, email: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        elif p1:
            candidate = User(email=self.email, first_name=data.get("first_name") or "",
                             last_name=data.get("last_name") or "")
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class RenameForm(forms.Form):
    name = forms.CharField(label="Nom du groupe", max_length=200,
                           error_messages={"required": "Donnez un nom au groupe."})

    def clean_name(self):
        return clean_name(self.cleaned_data["name"])


class CotrainerForm(forms.Form):
    """A colleague trainer of the organisation, not yet in the group."""

    user = forms.ModelChoiceField(label="Formateur·rice de l'organisation", queryset=User.objects.none(),
                                  empty_label="— Choisir —",
                                  error_messages={"required": "Choisissez une formatrice ou un formateur.",
                                                  "invalid_choice": "Choisissez une formatrice ou un formateur de la liste."})

    def __init__(self, candidates, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].label_from_instance = lambda user: f"{user.display_name} ({user.email})"
