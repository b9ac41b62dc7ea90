from django import forms

from elearning.followup.invitations import MAX_INVITATIONS
from elearning.models import Cohort


class DeadlineForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["deadline"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        error_messages = {"deadline": {"invalid": "Saisissez une date valide (jj/mm/aaaa)."}}


class InvitationForm(forms.Form):
    emails = forms.CharField(
        label="Adresses e-mail", widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"Une adresse par ligne (ou séparées par des virgules), {MAX_INVITATIONS} au plus. "
                  "Chaque personne reçoit le lien d'inscription du groupe.",
        error_messages={"required": "Collez au moins une adresse e-mail."},
    )
