"""The referral directory says honestly what it knows: doubtful numbers are not tappable,
data copied from the guide says so (with its year) until an editor confirms it, the
tribunals' general numbers are marked to verify, and a confirmation records who and when."""
import datetime
import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from elearning.models import Contact
from quizzes.content_io import export_content
from tests.conftest import admin_form_data, make_editor

DIRECTORY = Path(settings.BASE_DIR) / "fixtures" / "directory.json"
GUIDE = "le guide régional, 2022"


@pytest.fixture(scope="module")
def shipped_directory(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("loaddata", str(DIRECTORY), verbosity=0)
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def directory(shipped_directory, db):
    return None


def entry(page: str, slug: str) -> str:
    """The HTML of one contact card."""
    match = re.search(rf'<li class="contact card" id="{re.escape(slug)}">(.*?)</li>', page, re.S)
    assert match, slug
    return html.unescape(match.group(1))


@pytest.fixture
def page(directory, client):
    return client.get("/qui-contacter/?departement=").content.decode()


@pytest.mark.parametrize("phone, href", [
    ("01 43 93 10 35", "tel:0143931035"),
    ("0 800 00 92 92", "tel:0800009292"),
    ("3114", "tel:3114"),
    ("15", "tel:15"),
    ("+33 1 44 32 51 51", "tel:+33144325151"),
    ("0 800 00 083", None),      # nine digits: a digit is missing
    ("01 42 76 26", None),
])
def test_only_a_plausible_number_gets_a_tel_link(phone, href):
    """The rule lives in the model: a number that cannot be right is never tappable."""
    assert Contact(phone=phone).tel_href == href


def test_a_number_flagged_doubtful_gets_no_tel_link():
    """An editor's doubt wins over a well-formed number."""
    contact = Contact(phone="01 46 44 71 77", phone_2="07 68 53 25 30", phone_2_doubtful=True)
    assert contact.tel_href == "tel:0146447177" and contact.tel_href_2 is None


def test_doubtful_numbers_of_the_shipped_directory_are_shown_without_a_link(page):
    """The CRIP 93 nine-digit free number and CIDFF 92 Sud's second number (Mouvement du
    Nid's) are shown as text with « numéro à vérifier »; the entries' other number stays tappable."""
    for slug, doubtful, sound in [("crip-93", "0 800 00 083", "0143931035"),
                                  ("cidff-92-sud", "07 68 53 25 30", "0146447177")]:
        card = entry(page, slug)
        assert doubtful in card and "numéro à vérifier" in card
        assert "tel:" + doubtful.replace(" ", "") not in card
        assert f'href="tel:{sound}"' in card
    assert 'href="tel:0768532530"' in entry(page, "mouvement-du-nid-75")


def test_every_parquet_entry_is_to_verify_until_the_juvenile_section_is_confirmed(page):
    """The eight tribunals' numbers are their general switchboards: each says so."""
    parquets = Contact.objects.filter(kind=Contact.Kind.PARQUET)
    assert parquets.count() == 8
    for contact in parquets:
        assert contact.to_verify and "section des mineurs" in contact.to_verify_note
        assert "À vérifier" in entry(page, contact.slug)


def test_the_3114_and_the_15_are_in_the_directory_and_tappable(page):
    """Suicide prevention and medical emergency numbers are there, with a tel: link."""
    for slug, number in [("3114", "3114"), ("15-samu", "15")]:
        contact = Contact.objects.get(slug=slug)
        assert contact.kind == Contact.Kind.NATIONAL and contact.phone == number
        assert f'href="tel:{number}"' in entry(page, slug)
    assert "prévention du suicide" in entry(page, "3114") and "SAMU" in entry(page, "15-samu")


def test_hours_taken_from_the_guide_say_so(page):
    """Hours copied from the guide are labelled « selon le guide »; others are not."""
    from_guide = Contact.objects.filter(hours_from_guide=True).exclude(hours="")
    assert from_guide.count() >= 10
    for contact in from_guide:
        assert "Horaires (selon le guide)" in entry(page, contact.slug)
    assert "Horaires (selon le guide)" not in entry(page, "17-police-secours")
    assert "Horaires</dt>" in entry(page, "17-police-secours")


def test_the_cidff_94_gmail_address_is_to_verify(directory):
    contact = Contact.objects.get(slug="cidff-94")
    assert contact.email == "cidff94@gmail.com" and contact.to_verify and "cidff94@gmail.com" in contact.to_verify_note


def test_every_entry_states_its_source_and_none_claims_a_check_not_made(page):
    """Nothing is shown as checked until an editor confirms it; each entry gives its source."""
    assert not Contact.objects.filter(confirmed_at__isnull=False).exists()
    assert not Contact.objects.filter(source="").exists()
    assert "Vérifié" not in page
    assert Contact.objects.filter(source=GUIDE).count() >= 45
    for contact in Contact.objects.all():
        assert f"D'après {contact.source} ; pas encore confirmé" in entry(page, contact.slug)


def test_marking_as_verified_records_the_editor_and_the_date(directory, client):
    """The admin action dates the check, names the editor, clears « à vérifier » and the
    « selon le guide » label, and writes a version in the history; the page says « Vérifié »."""
    editor = make_editor()
    client.force_login(editor)
    contact = Contact.objects.get(slug="parquet-75")
    response = client.post("/admin/elearning/contact/", {"action": "mark_confirmed", "_selected_action": [contact.pk]},
                           follow=True)
    assert "1 contact(s) marqué(s) comme vérifié(s)" in html.unescape(response.content.decode())
    contact.refresh_from_db()
    today = datetime.date.today()
    assert (contact.confirmed_at, contact.confirmed_by) == (today, editor)
    assert not contact.to_verify and contact.to_verify_note == "" and not contact.hours_from_guide
    last = contact.history.first()
    assert last.history_user == editor and last.history_change_reason == "Vérifié par l'équipe"
    assert contact.history.count() == 2  # the version loaded from the fixtures is kept first
    card = entry(client.get("/qui-contacter/?departement=75").content.decode(), "parquet-75")
    assert "Vérifié par l'équipe le" in card and "À vérifier" not in card


def test_an_entry_with_a_doubtful_number_cannot_be_marked_verified(directory, client):
    """Confirming an entry whose number is doubtful is refused until the number is fixed."""
    client.force_login(make_editor())
    contact = Contact.objects.get(slug="crip-93")
    response = client.post("/admin/elearning/contact/", {"action": "mark_confirmed", "_selected_action": [contact.pk]},
                           follow=True)
    assert "le numéro 0 800 00 083 est douteux" in html.unescape(response.content.decode())
    contact.refresh_from_db()
    assert contact.confirmed_at is None and contact.to_verify


def test_admin_form_requires_a_source_and_flags_doubtful_numbers_as_to_verify(directory, client):
    """An entry without source, or with a doubtful number not marked « à vérifier », is refused in French."""
    client.force_login(make_editor())
    contact = Contact.objects.get(slug="crip-75")
    url = f"/admin/elearning/contact/{contact.pk}/change/"
    data = admin_form_data(client.get(url))
    data.update({"source": "", "phone_doubtful": "on"})
    page = html.unescape(client.post(url, data).content.decode())
    assert "Indiquez d'où viennent ces coordonnées" in page
    assert "Un numéro douteux rend l'entrée « à vérifier »" in page
    assert Contact.objects.get(pk=contact.pk).source == GUIDE


def test_export_leaves_out_who_confirmed_and_a_reload_keeps_it(directory, tmp_path):
    """Fixtures carry the date of a confirmation, never the person; reloading them keeps
    the person recorded in the database."""
    editor = make_editor()
    contact = Contact.objects.get(slug="crip-75")
    Contact.objects.filter(pk=contact.pk).update(confirmed_at=datetime.date(2026, 12, 1), confirmed_by=editor)
    export_content(tmp_path)
    text = (tmp_path / "directory.json").read_text(encoding="utf-8")
    assert '"confirmed_at": "2026-12-01"' in text and "confirmed_by" not in text and editor.email not in text
    call_command("loaddata", str(tmp_path / "directory.json"), verbosity=0)
    assert Contact.objects.get(pk=contact.pk).confirmed_by == editor
