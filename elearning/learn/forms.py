"""The learner's forms: sign-up with a cohort code, login by e-mail, profile, confidence
ratings, the directory's filters."""
from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm

from elearning.models import IDF_DEPARTEMENTS, Cohort, Contact, Departement, Profession, Skill, User
from elearning.progress.selfassessment import CONFIDENCE_LABELS
from elearning.validators import validate_printable_name


class JoinCodeField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        return "".join(value.split()).upper()


def cohort_for_code(code: str) -> Cohort | None:
    return Cohort.objects.select_related("organisation").filter(join_code=code, join_open=True).first()


class SignupForm(BaseUserCreationForm):
    """Sign-up with a cohort code. Django's user-creation form checks the two passwords and
    runs the password validators against the new user's own names and e-mail; the account
    itself is written by `accounts.request_sign_up` (inactive until the activation link)."""

    error_messages = {"password_mismatch": "Les deux mots de passe ne sont pas identiques."}
    field_order = ["join_code", "first_name", "last_name", "email", "profession", "departement",
                   "password1", "password2"]

    join_code = JoinCodeField(
        label="Code du groupe", max_length=20,
        help_text="Donné par votre formatrice ou formateur (8 caractères).",
        error_messages={"required": "Saisissez le code du groupe que l'on vous a donné."},
    )
    first_name = forms.CharField(label="Prénom", max_length=150, validators=[validate_printable_name],
                                 error_messages={"required": "Saisissez votre prénom."})
    last_name = forms.CharField(label="Nom", max_length=150, validators=[validate_printable_name],
                                error_messages={"required": "Saisissez votre nom."})
    email = forms.EmailField(label="Adresse e-mail professionnelle",
                             error_messages={"required": "Saisissez votre adresse e-mail.",
                                             "invalid": "Saisissez une adresse e-mail valide (exemple : prenom.nom@exemple.fr)."})
    profession = forms.ChoiceField(label="Profession", choices=[("", "— Choisir —"), *Profession.choices],
                                   error_messages={"required": "Choisissez votre profession."})
    departement = forms.ChoiceField(label="Département où vous exercez",
                                    choices=[("", "— Choisir —"), *Departement.choices],
                                    error_messages={"required": "Choisissez le département où vous exercez."})
    password1 = forms.CharField(label="Mot de passe", strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text="Au moins 10 caractères, pas uniquement des chiffres, pas un mot de passe courant.",
                                error_messages={"required": "Choisissez un mot de passe."})
    password2 = forms.CharField(label="Confirmer le mot de passe", strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                error_messages={"required": "Confirmez le mot de passe."})

    class Meta:
        model = User
        fields = ("first_name", "last_name", "email", "profession", "departement")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The page starts with the join code, not the e-mail Django would focus.
        self.fields["email"].widget.attrs.pop("autofocus", None)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.cohort = None

    def clean_join_code(self):
        code = self.cleaned_data["join_code"]
        self.cohort = cohort_for_code(code)
        if self.cohort is None:
            raise forms.ValidationError(
                "Ce code ne correspond à aucun groupe ouvert. Vérifiez-le auprès de votre "
                "formatrice ou formateur : il a pu être fermé ou renouvelé."
            )
        return code

    def clean_email(self):
        # Whether the address already has an account is never said here (see accounts.py).
        return self.cleaned_data["email"].strip().lower()

    def validate_unique(self):
        # No "an account already exists" error: a known address gets the same page as a new
        # one, and its owner an e-mail (accounts.request_sign_up), so the form cannot be used
        # to learn who is registered. The database's unique index still holds.
        pass

    def validate_password_for_user(self, user, password_field_name="password1"):
        # Under the first password, where it was typed; not when the two differ.
        if "password2" not in self.errors:
            super().validate_password_for_user(user, password_field_name=password_field_name)


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(label="Adresse e-mail", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}))
    error_messages = {
        "invalid_login": "Adresse e-mail ou mot de passe incorrect. Vérifiez votre saisie (les majuscules comptent).",
        "inactive": "Ce compte est désactivé.",
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "profession", "departement", "email_reminders"]
        labels = {"first_name": "Prénom", "last_name": "Nom"}


class JoinCodeForm(forms.Form):
    join_code = JoinCodeField(label="Code du groupe", max_length=20)

    def clean_join_code(self):
        code = self.cleaned_data["join_code"]
        self.cohort = cohort_for_code(code)
        if self.cohort is None:
            raise forms.ValidationError("Ce code ne correspond à aucun groupe ouvert.")
        return code


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label="Votre mot de passe, pour confirmer", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        if not self.user.check_password(self.cleaned_data["password"]):
            raise forms.ValidationError("Mot de passe incorrect.")
        return self.cleaned_data["password"]


class ConfidenceForm(forms.Form):
    """How at ease the learner feels with each skill, from 1 to 4 (one radio group each)."""

    MISSING = "Choisissez un niveau pour cette compétence."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for skill in Skill.values:
            self.fields[f"confiance_{skill}"] = forms.TypedChoiceField(
                choices=[(str(value), label) for value, label in CONFIDENCE_LABELS.items()], coerce=int,
                error_messages={"required": self.MISSING, "invalid_choice": self.MISSING},
            )

    def ratings(self) -> dict[str, int]:
        return {skill: self.cleaned_data[f"confiance_{skill}"] for skill in Skill.values}

    def skill_errors(self) -> dict[str, str]:
        return {skill: self.errors[f"confiance_{skill}"][0] for skill in Skill.values
                if f"confiance_{skill}" in self.errors}


class DirectoryFilterForm(forms.Form):
    """The directory's filters (GET). A value that does not exist is dropped with a notice,
    and the whole list is shown: someone looking for a number must always get one."""

    departement = forms.ChoiceField(
        required=False, choices=[("", ""), *((code, code) for code in IDF_DEPARTEMENTS)],
        error_messages={"invalid_choice": "Ce département n'est pas dans l'annuaire (Île-de-France : 75, 77, 78, "
                                          "91, 92, 93, 94, 95) : voici la liste complète."},
    )
    type = forms.ChoiceField(
        required=False, choices=[("", ""), *Contact.Kind.choices],
        error_messages={"invalid_choice": "Ce type de contact n'existe pas : voici la liste complète."},
    )
    role = forms.ChoiceField(
        required=False, choices=[("", ""), *Contact.ROLE_LABELS.items()],
        error_messages={"invalid_choice": "Ce rôle n'existe pas : voici la liste complète."},
    )

    def filters(self) -> tuple[str, str, str, str]:
        """departement, kind, role (each "" when absent or unknown) and the first notice."""
        self.is_valid()
        notice = next((self.errors[name][0] for name in self.fields if name in self.errors), "")
        data = self.cleaned_data
        return data.get("departement", ""), data.get("type", ""), data.get("role", ""), notice
