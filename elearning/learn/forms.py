"""Account forms: sign-up with a cohort code, login by e-mail, profile."""
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from elearning.models import Cohort, Departement, Profession, User


class JoinCodeField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        return "".join(value.split()).upper()


def cohort_for_code(code: str) -> Cohort | None:
    return Cohort.objects.select_related("organisation").filter(join_code=code, join_open=True).first()


class SignupForm(forms.Form):
    join_code = JoinCodeField(
        label="Code du groupe", max_length=20,
        help_text="Donné par votre formatrice ou formateur (8 caractères).",
        error_messages={"required": "Saisissez le code du groupe que l'on vous a donné."},
    )
    first_name = forms.CharField(label="Prénom", max_length=150,
                                 error_messages={"required": "Saisissez votre prénom."})
    last_name = forms.CharField(label="Nom", max_length=150,
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "Un compte existe déjà avec cette adresse. Connectez-vous, ou utilisez « Mot de passe oublié »."
            )
        return email

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        elif p1:
            candidate = User(email=data.get("email") or "", first_name=data.get("first_name") or "",
                             last_name=data.get("last_name") or "")
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


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
        fields = ["first_name", "last_name", "profession", "departement"]
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
