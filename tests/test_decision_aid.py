"""« Que faire ? » — the public decision aid: every path ends on an outcome with the right
contacts and a legal basis, the tree is checked before an editor can save it, and using the
aid stores nothing."""
import io
import re
from html import unescape
from itertools import product
from pathlib import Path

import pypdf
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from elearning.decision.models import Choice, Outcome, Step
from elearning.decision.tree import Tree, load_tree, paths, validate, walk
from elearning.decision.views import outcome_contacts
from elearning.models import IDF_DEPARTEMENTS, Contact, Lesson
from quizzes.content_io import export_content
from quizzes.models import DecisionQuestion
from tests.conftest import admin_form_data, make_user

AID = "/que-faire/"
FULL_PATH = "danger=non&age=mineur&faits=faits&mesure_faits=oui&cadre=education&dep=93&enligne=oui"
# The outcomes a complete path may reach, and the contact kinds each must show for a département.
REQUIRED_KINDS = {
    "danger-immediat": {"parquet"},
    "signalement": {"parquet", "crip"},
    "information-preoccupante": {"crip"},
    "conseil": {"crip"},
    "jeune-majeur": {"association"},
    "mesure-en-cours": {"crip"},
    "pas-de-transmission": {"crip"},
}


@pytest.fixture
def aid(db):
    call_command("loaddata", "fixtures/directory.json", "fixtures/decision/aid.json", verbosity=0)
    return load_tree()


def test_the_shipped_tree_is_valid(aid):
    """The tree shipped in fixtures/ has one start, no dead end, no cycle, no orphan step."""
    errors, warnings = validate(aid)
    assert errors == []
    assert warnings == []


def test_every_path_ends_on_an_outcome_with_contacts_and_a_legal_basis(aid):
    """Whatever a professional answers, they reach an outcome that has a legal basis, and,
    for an Île-de-France département, that département's CRIP or parquet as the outcome needs."""
    seen_outcomes = set()
    checked: dict = {}
    count = 0
    for answers, outcome in paths(aid):
        count += 1
        assert outcome is not None, answers
        assert outcome.legal_basis.strip(), outcome.slug
        seen_outcomes.add(outcome.slug)
        dep = answers.get("dep", "")
        extras = tuple(walk(aid, answers).extra_contacts)
        key = (outcome.slug, dep, extras)
        if key not in checked:
            checked[key] = outcome_contacts(outcome, dep if dep in IDF_DEPARTEMENTS else "", list(extras))
        local, national = checked[key]
        if dep in IDF_DEPARTEMENTS:
            kinds = {c.kind for c in local}
            assert REQUIRED_KINDS[outcome.slug] <= kinds, (answers, kinds)
            assert all(c.departement == dep for c in local)
        assert national, answers
        if answers.get("enligne") == "oui":
            assert {"pharos", "3018"} <= {c.slug for c in national}, answers
    assert seen_outcomes == set(REQUIRED_KINDS)
    assert count > 1000  # the aid really branches: setting × département × online content


@pytest.mark.parametrize("query, outcome", [
    ("danger=oui", "danger-immediat"),
    ("danger=non&age=mineur&faits=faits&mesure_faits=non&cadre=sante&dep=75&enligne=non", "signalement"),
    ("danger=non&age=inconnu&faits=signaux&mesure=non&cadre=education&dep=91&enligne=non", "information-preoccupante"),
    ("danger=non&age=mineur&faits=risque&mesure=ne-sait-pas&cadre=jeunesse&dep=77&enligne=non", "information-preoccupante"),
    ("danger=non&age=mineur&faits=doute&mesure_doute=non&cadre=autre&dep=autre&enligne=ne-sait-pas", "conseil"),
    ("danger=non&age=mineur&faits=signaux&mesure=oui&cadre=social&dep=93&enligne=non", "mesure-en-cours"),
    ("danger=non&age=mineur&faits=rien", "pas-de-transmission"),
    ("danger=non&age=18-21&cadre=association&dep=92&enligne=non", "jeune-majeur"),
])
def test_each_outcome_page_carries_its_stable_data_outcome(client, aid, query, outcome):
    """Each outcome page says, in order, what to do now, whom to contact, the law, what to
    write, the parents, what not to do and support — on a <main> marked with its outcome."""
    response = client.get(f"{AID}?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf'<main[^>]* data-outcome="{outcome}"', html)
    order = ["Ce qu'il faut faire maintenant", "Qui contacter", "Ce que dit la loi", "Ce qu'il faut écrire",
             "Informer les parents ?", "Ce qu'il ne faut pas faire", "Et pour vous"]
    positions = [html.find(f"{title}</h2>") for title in order]
    assert all(p > 0 for p in positions), dict(zip(order, positions, strict=True))
    assert positions == sorted(positions)


def test_the_outcome_shows_the_contacts_of_the_chosen_departement(client, aid):
    """Choosing the 93 shows the CRIP 93 and the Bobigny parquet, with their source date,
    and the notes that follow from the answers (setting, protection measure, online content)."""
    html = unescape(client.get(f"{AID}?{FULL_PATH}").content.decode())
    assert "CRIP de la Seine-Saint-Denis (93)" in html
    assert "Tribunal judiciaire de Bobigny" in html
    assert "CRIP de Paris" not in html
    assert "Dans l'Éducation nationale" in html
    assert "Une mesure de protection est déjà en cours" in html
    assert "Faire retirer des contenus en ligne" in html
    assert "Pharos" in html


def test_the_first_step_says_nothing_is_asked_or_stored(client, aid):
    """Before the first question the professional reads that no name or story is asked and
    nothing is recorded, and where to call in an emergency."""
    html = client.get(AID).content.decode()
    assert "Rien n'est enregistré" in html
    assert "aucun nom, aucun récit" in html
    assert 'href="tel:17"' in html
    assert 'method="get"' in html
    assert "<textarea" not in html and 'type="text"' not in html


def test_the_state_lives_in_the_query_string_and_answers_can_be_changed(client, aid):
    """A half-way link shows the next question with the previous answers as hidden fields
    and a link to change each of them."""
    html = client.get(f"{AID}?danger=non&age=mineur").content.decode()
    assert "Que savez-vous aujourd&#x27;hui ?" in html
    assert '<input type="hidden" name="danger" value="non">' in html
    assert '<input type="hidden" name="age" value="mineur">' in html
    assert f'href="{AID}?danger=non"' in html  # change the age: the danger answer is kept


@pytest.mark.parametrize("query", ["danger=peut-etre", "danger=non&age=\u202e12", "danger="])
def test_a_wrong_or_empty_answer_asks_again_with_a_french_message(client, aid, query):
    """A tampered or empty answer never breaks the page: the question comes back with a message."""
    response = client.get(f"{AID}?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert ("ne fait pas partie des réponses proposées" in html) or ("Choisissez une réponse" in html)


def test_a_control_character_in_an_answer_gets_the_french_400(client, aid):
    """A NUL in the query string is refused before the aid reads it (elearning/middleware.py):
    the site's French 400 page, with a way back, never a 500."""
    response = client.get(f"{AID}?danger=non&age=%00")
    assert response.status_code == 400 and "Demande incorrecte" in response.content.decode()


def test_using_the_aid_writes_nothing_and_sets_no_cookie(client, aid):
    """From the first question to the PDF, only SELECTs: no session, no log, no cookie."""
    urls = [AID, f"{AID}?danger=non", f"{AID}?{FULL_PATH}", f"{AID}?danger=peut-etre",
            reverse("decision:outcome", args=["signalement"]) + "?dep=94",
            reverse("decision:outcome_pdf", args=["information-preoccupante"]) + "?dep=95"]
    with CaptureQueriesContext(connection) as queries:
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 400)
            assert not response.cookies, url
    writes = [q["sql"] for q in queries.captured_queries
              if not q["sql"].lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK"))]
    assert writes == []


def test_pages_use_a_fixed_number_of_queries(client, aid, django_assert_num_queries):
    """A step costs the tree (3 queries); an outcome adds one query for its contacts."""
    with django_assert_num_queries(3):
        client.get(f"{AID}?danger=non&age=mineur")
    with django_assert_num_queries(4):
        client.get(f"{AID}?{FULL_PATH}")


def _pdf_pages(content: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize("dep", [*IDF_DEPARTEMENTS, ""])
def test_each_fiche_reflexe_is_one_page_without_case_data(client, aid, dep):
    """The « fiche réflexe » of every outcome, for every département, fits on one A4 page and
    carries the département's contacts."""
    for outcome in Outcome.objects.all():
        url = reverse("decision:outcome_pdf", args=[outcome.slug]) + (f"?dep={dep}" if dep else "")
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert _pdf_pages(response.content) == 1, (outcome.slug, dep)


def test_an_unknown_outcome_is_a_404(client, aid):
    assert client.get(reverse("decision:outcome", args=["inconnue"])).status_code == 404
    assert client.get(reverse("decision:outcome_pdf", args=["inconnue"])).status_code == 404


def test_the_aid_is_linked_from_every_page_header(client, aid):
    """The header of every page, public or not, leads to the aid."""
    assert 'href="/que-faire/"' in client.get("/").content.decode()
    assert 'href="/que-faire/"' in client.get("/qui-contacter/").content.decode()


# --- The tree's own checks (what editors cannot save) ------------------------------------------


def _tree(edges, outcomes=("fin",), start="a", legal="Art. 1"):
    """An in-memory tree: edges are (step, value, next step or None, outcome slug or None)."""
    outs = {i: Outcome(id=i, slug=slug, title=slug, legal_basis=legal) for i, slug in enumerate(outcomes, 1)}
    by_slug = {o.slug: o for o in outs.values()}
    names = sorted({e[0] for e in edges} | {e[2] for e in edges if e[2]})
    steps = {name: Step(id=i, slug=name, param=name, is_start=(name == start)) for i, name in enumerate(names, 1)}
    choices: dict = {}
    for step, value, nxt, out in edges:
        choices.setdefault(steps[step].id, []).append(Choice(
            step_id=steps[step].id, value=value, label=value,
            next_step_id=steps[nxt].id if nxt else None, outcome_id=by_slug[out].id if out else None,
        ))
    return Tree(steps=list(steps.values()), choices=choices, outcomes=outs)


def test_validation_refuses_a_dead_end():
    errors, _ = validate(_tree([("a", "x", "b", None), ("b", "y", None, None), ("b", "z", None, "fin")]))
    assert any("sans issue" in e for e in errors)


def test_validation_refuses_a_cycle():
    errors, _ = validate(_tree([("a", "x", "b", "fin"), ("b", "y", "a", None), ("b", "z", None, None)]))
    assert any("boucle" in e for e in errors)


def test_validation_refuses_an_outcome_without_legal_basis():
    errors, _ = validate(_tree([("a", "x", None, "fin")], legal=" "))
    assert any("fondement juridique" in e for e in errors)


def test_validation_refuses_a_step_without_answers_and_warns_about_an_orphan():
    tree = _tree([("a", "x", None, "fin"), ("c", "y", None, "fin")])
    errors, warnings = validate(tree)
    assert errors == [] and any("aucun chemin" in w for w in warnings)
    tree.steps.append(Step(id=99, slug="vide", param="vide"))
    errors, _ = validate(tree)
    assert any("impasse" in e for e in errors)


def test_a_valid_tree_passes_and_every_path_is_listed():
    tree = _tree([("a", "x", "b", "fin"), ("a", "w", None, "fin"), ("b", "y", None, None)])
    assert validate(tree) == ([], [])
    assert sorted(tuple(sorted(p.items())) for p, _ in paths(tree)) == [(("a", "w"),), (("a", "x"), ("b", "y"))]


@pytest.mark.parametrize("model", [Step, Outcome], ids=["step", "outcome"])
def test_editors_open_the_trees_admin_pages(aid, editor_client, model):
    """Editors list, add, change and see the history of steps and outcomes."""
    obj = model.objects.order_by("pk").first()
    base = f"/admin/decision/{model._meta.model_name}/"
    for url in [base, f"{base}add/", f"{base}{obj.pk}/change/", f"{base}{obj.pk}/history/"]:
        assert editor_client.get(url).status_code == 200, url


def test_the_admin_refuses_a_change_that_makes_a_cycle(aid, editor_client):
    """An editor who points the last question back to the first gets a French error, and
    nothing is saved."""
    step = Step.objects.get(slug="en-ligne")
    url = reverse("admin:decision_step_change", args=[step.pk])
    data = admin_form_data(editor_client.get(url))
    first = Step.objects.get(slug="danger")  # back to the start: a loop
    prefix = "choices"
    for i in range(int(data[f"{prefix}-TOTAL_FORMS"])):
        if data.get(f"{prefix}-{i}-value") == "non":
            data[f"{prefix}-{i}-next_step"] = str(first.pk)
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "boucle" in response.content.decode()
    assert Choice.objects.get(step=step, value="non").next_step is None


def test_the_admin_saves_a_valid_change_with_history(aid, editor_client):
    """A wording change is saved and recorded in the history."""
    step = Step.objects.get(slug="age")
    url = reverse("admin:decision_step_change", args=[step.pk])
    data = admin_form_data(editor_client.get(url))
    data["why"] = "La loi ne protège pas de la même façon les mineur·es et les majeur·es."
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    step.refresh_from_db()
    assert step.why.startswith("La loi ne protège pas")
    assert step.history.count() >= 1


def test_the_tree_round_trips_through_export_course(aid, tmp_path):
    """`export_course` writes the aid's tree exactly as shipped (natural keys, stable order)."""
    export_content(tmp_path)
    shipped = Path("fixtures/decision/aid.json").read_text(encoding="utf-8")
    assert (tmp_path / "decision" / "aid.json").read_text(encoding="utf-8") == shipped


def test_learners_find_the_aid_from_their_dashboard(client, aid):
    user = make_user()
    client.force_login(user)
    assert 'href="/que-faire/"' in client.get(reverse("dashboard")).content.decode()


def test_outcome_contacts_never_mix_departements(aid):
    """Contacts of another département never appear on an outcome page."""
    outcome = Outcome.objects.get(slug="signalement")
    for dep, other in product(IDF_DEPARTEMENTS, IDF_DEPARTEMENTS):
        if dep == other:
            continue
        local, _ = outcome_contacts(outcome, dep)
        assert not any(c.departement == other for c in local)
    assert Contact.objects.filter(kind="parquet").count() == 8


# --- The decision items of the shipped banks, replayed through the aid -------------------------

# What each vignette establishes, answered as a professional would in the aid. The key of every
# decision item must be the aid's outcome for those answers: one rule, the same everywhere.
REPLAY = {
    # danger now or tonight
    "dec-03": "danger=oui", "dec-08": "danger=oui", "dec-12": "danger=oui", "avant-4": "danger=oui",
    "apres-4": "danger=oui", "final-06": "danger=oui", "s90-05": "danger=oui",
    # facts confided or established, even over, measure or not
    "dec-02": "faits=faits&mesure_faits=oui", "dec-05": "faits=faits&mesure_faits=non",
    "dec-09": "faits=faits&mesure_faits=non", "dec-11": "faits=faits&mesure_faits=non",
    "dec-14": "faits=faits&mesure_faits=oui", "dec-15": "faits=faits&mesure_faits=non",
    "dec-18": "faits=faits&mesure_faits=oui", "avant-5": "faits=faits&mesure_faits=non",
    "apres-5": "faits=faits&mesure_faits=non", "final-02": "faits=faits&mesure_faits=non",
    "final-10b": "faits=faits&mesure_faits=non", "s30-02": "faits=faits&mesure_faits=non",
    "s30-04": "faits=faits&mesure_faits=non", "verif-signalement-au-procureur-1": "faits=faits&mesure_faits=oui",
    # worrying signals or a risk, nothing confided
    "dec-01": "faits=signaux&mesure=non", "dec-04": "faits=signaux&mesure=non", "dec-07": "faits=signaux&mesure=non",
    "dec-10": "faits=signaux&mesure=non", "dec-13": "faits=signaux&mesure=non", "avant-6": "faits=signaux&mesure=non",
    "apres-6": "faits=signaux&mesure=non", "dec-16": "faits=risque&mesure=non",
    # the same, for a young person already under a measure
    "dec-17": "faits=signaux&mesure=oui", "s90-02": "faits=signaux&mesure=oui",
    # nothing worrying
    "dec-06": "faits=rien",
}
DECISION_TO_OUTCOME = {
    "urgence": "danger-immediat", "signalement": "signalement", "ip": "information-preoccupante",
    "mesure": "mesure-en-cours", "aucune": "pas-de-transmission",
}
REST = {"cadre": "education", "dep": "93", "enligne": "non"}


@pytest.fixture
def shipped_aid(db):
    call_command("load_course", verbosity=0)
    return load_tree()


def test_every_decision_item_of_the_course_reaches_its_key_through_the_aid(shipped_aid):
    """The shipped decision items, answered in the aid with the facts of their vignette, end
    on the outcome that their answer key gives."""
    items = {q.slug: q for q in DecisionQuestion.objects.filter(archived=False).prefetch_related("options")}
    assert sorted(items) == sorted(REPLAY), "ajoutez chaque nouvel item de décision à REPLAY"
    assert len(items) >= 24
    wrong = {}
    for slug, answers in REPLAY.items():
        params = {"age": "mineur", **dict(part.split("=") for part in answers.split("&"))}
        if params.get("danger") != "oui":
            params = {"danger": "non", **params, **REST}
        reached = walk(shipped_aid, params)
        key = next(o.decision for o in items[slug].options.all() if o.is_correct)
        if reached.step is not None or reached.outcome is None or reached.outcome.slug != DECISION_TO_OUTCOME[key]:
            wrong[slug] = (key, reached.outcome.slug if reached.outcome else reached.step.slug)
    assert wrong == {}


def test_the_agir_lessons_lead_to_the_aid(shipped_aid, client):
    """The « Agir » lessons that teach the rule point to the tool that applies it."""
    for slug in ("que-dire-apres-une-revelation", "information-preoccupante", "signalement-au-procureur"):
        assert "/que-faire/" in Lesson.objects.get(slug=slug).body, slug


def test_outcome_contacts_follow_the_directory_rules(client, aid):
    """On an outcome page, a doubtful number (the CRIP 93's nine-digit free number) is shown
    without a tel: link and says « numéro à vérifier », the sound one stays tappable, the
    parquet is « à vérifier », and each entry gives its source and year."""
    html = unescape(client.get(reverse("decision:outcome", args=["information-preoccupante"]) + "?dep=93")
                    .content.decode())
    assert "0 800 00 083 <span" in html and "numéro à vérifier" in html
    assert 'href="tel:080000083"' not in html and 'href="tel:0143931035"' in html
    assert "D'après le guide régional, 2022 ; pas encore confirmé" in html
    assert "Vérifié le" not in html


def test_the_fiche_reflexe_follows_the_directory_rules(client, aid):
    """The PDF says the same: the doubtful number is marked, hours copied from the guide say
    « selon le guide », and each contact gives its source; once an editor confirms an entry,
    it says when."""
    Contact.objects.filter(slug="parquet-93").update(confirmed_at="2026-12-01", to_verify=False, to_verify_note="")
    url = reverse("decision:outcome_pdf", args=["signalement"]) + "?dep=93"
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(client.get(url).content)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "0 800 00 083 (numéro à vérifier)" in text
    assert "D'après le guide régional, 2022" in text
    assert "Vérifié le 1 décembre 2026" in text
    guide_hours = Contact.objects.filter(hours_from_guide=True, departement="").exclude(hours="")
    shown = [contact for contact in guide_hours if contact.name in text]
    assert shown and all(f"{contact.hours} (selon le guide)" in text for contact in shown)
