"""The writing check (quizzes/writing.py): each rule on good and bad French sentences.

No database: the rules are pure functions. What a learner would notice if one broke: a
well-written IP marked wrong (a date written "12/03", an apostrophe ’, quotes " " instead of
« »), or a judgement, a diagnosis, a named culprit or real data going unnoticed."""
import pytest

from quizzes.writing import (
    KeyElement,
    canonical_dates,
    check_text,
    clean_text,
    contains_phrase,
    find_dates,
    fold,
    has_quoted_phrase,
    identifying_data,
    text_problem,
)

MODEL_IP = """Objet : information préoccupante concernant Lina B., née le 4 mai 2011
À l'attention de la CRIP de l'Essonne (91)

Je soussignée Claire Fontaine, conseillère principale d'éducation (CPE) au collège Les Tilleuls, vous transmets les éléments suivants.

Lina, 14 ans, est élève de 3e au collège ; elle vit au domicile de sa mère.

Le contexte : depuis la rentrée, l'équipe a constaté des absences répétées le vendredi.
Le 12/03, j'ai constaté qu'elle portait un téléphone neuf et deux sacs de marque.
Le 14 mars 2026, lors d'un entretien à l'infirmerie, elle m'a dit : « un garçon de 20 ans me paie mes trucs, je lui dois des services ».

Ce qui a été fait : entretien avec l'infirmière le 14 mars ; j'ai appelé la CRIP pour conseil le 15 mars.
Sa mère a été informée de cette transmission le 15 mars.

Fait à Évry, le 15 mars 2026. Claire Fontaine, CPE."""
CASE = "Claire Fontaine, CPE au collège Les Tilleuls (Évry). Lina B., 14 ans."
ELEMENTS = [
    KeyElement("entretien", "fact", "La date de l'entretien (14 mars)", ("14 mars", "14/03")),
    KeyElement("dette", "quote", "« je lui dois des services »", ("je lui dois des services",)),
]


def items(text, *, task="ip", elements=(), case_file=CASE):
    return {item.code: item for item in check_text(text, task=task, elements=elements, case_file=case_file).items}


def passes(code, text, **kwargs):
    return items(text, **kwargs)[code].passed


def test_a_complete_ip_passes_every_item():
    """The reference IP passes every item: a learner who writes it well gets 100 %."""
    result = check_text(MODEL_IP, task="ip", elements=ELEMENTS, case_file=CASE)
    assert [item.code for item in result.items if not item.passed] == []
    assert result.score == 1.0


def test_every_item_says_why_and_what_to_fix():
    """No item is a bare verdict: each one explains why it matters and what to change."""
    for item in check_text("", task="signalement", elements=ELEMENTS).items:
        assert item.label and item.why and item.fix


@pytest.mark.parametrize(("written", "pattern"), [
    ("le 12 mars 2026", "12 mars"),
    ("le 12/03", "12 mars"),
    ("le 12/3/2026", "12/03"),
    ("Le 1er mars", "1 mars"),
    ("LE 12 MARS", "12/03"),
    ("le 12 févr.", "12 fevrier"),
])
def test_dates_match_however_they_are_written(written, pattern):
    """A key date counts whether written "12/03", "12 mars" or "le 12 mars 2026", in any case."""
    assert contains_phrase(f"Elle m'a parlé {written}.", pattern)


def test_a_different_date_does_not_count():
    """The 13 March is not the 12 March: a wrong date is not a found fact."""
    assert not contains_phrase("le 13/03", "12 mars")
    assert not contains_phrase("le 112 mars", "12 mars")


def test_dates_are_read_in_all_styles():
    assert find_dates(fold("Le 12/03, puis le 14 mars 2026 et le 1er avril.")) == [(12, 3), (14, 3), (1, 4)]
    assert canonical_dates("12/03/26") == "12 mars 2026"
    assert find_dates(fold("32/13 n'est pas une date")) == []


def test_folding_keeps_positions():
    """Folding keeps one character per character: positions found are right in the text."""
    text = "L’élève « Très » ŒUVRE"
    assert len(fold(text)) == len(text)
    assert fold(text) == "l'eleve « tres » œuvre"


@pytest.mark.parametrize(("text", "quoted"), [
    ("Elle m’a dit : « Je lui dois des services. »", True),
    ("Elle m'a dit : \"je lui dois des services\".", True),
    ("Elle m'a dit : “JE LUI DOIS DES SERVICES”", True),
    ("Elle m'a dit : «je lui dois des services»", True),
    ("Elle m'a dit qu'elle lui doit des services.", False),
    ("Elle m'a dit je lui dois des services.", False),
    ("« Elle parle. »\n\nje lui dois des services", False),
])
def test_key_quotes_count_only_inside_quotation_marks(text, quoted):
    """The young person's exact words count in « », “ ” or " ", never reworded or left unquoted."""
    assert has_quoted_phrase(text, "je lui dois des services") is quoted
    assert passes("citation-dette", text, elements=ELEMENTS) is quoted


@pytest.mark.parametrize(("text", "ok"), [
    ("À l'attention de la CRIP : information préoccupante.", True),
    ("Objet : INFORMATION PRÉOCCUPANTE", True),
    ("À l'attention du procureur de la République.", False),
])
def test_an_ip_goes_to_the_crip(text, ok):
    assert passes("destinataire", text, task="ip") is ok


@pytest.mark.parametrize(("text", "ok"), [
    ("Signalement au procureur de la République près le tribunal judiciaire de Créteil, copie à la CRIP.", True),
    ("Objet : signalement. Madame la Procureure, … Copie : CRIP du 94.", True),
    ("Signalement au procureur de la République.", False),  # the copy to the CRIP is missing
    ("Information préoccupante à la CRIP.", False),
])
def test_a_signalement_goes_to_the_prosecutor_with_a_copy_to_the_crip(text, ok):
    assert passes("destinataire", text, task="signalement") is ok


@pytest.mark.parametrize(("text", "ok"), [
    ("Je soussignée Claire Fontaine, CPE au collège Jean-Moulin.", True),
    ("Je suis Karim Saïdi, éducateur spécialisé à la MECS Les Peupliers.", True),
    ("M. Karim Saïdi, éducateur au club de prévention.", True),
    ("Je vous écris au sujet de Lina.", False),
    ("Je soussignée Claire Fontaine.", False),  # no role, no institution
])
def test_the_writer_says_who_they_are(text, ok):
    assert passes("auteur", text) is ok


@pytest.mark.parametrize(("text", "ok"), [
    ("Fait à Bobigny, le 15 mars 2026.", True),
    ("Le 15/03/2026\nObjet : IP", True),
    ("Objet : IP\nLina va mal.", False),
])
def test_the_text_is_dated(text, ok):
    assert passes("date-ecrit", text) is ok


@pytest.mark.parametrize(("text", "ok"), [
    ("Le 12/03 elle était absente ; le 14 mars elle est revenue.", True),
    ("Le 3 février puis le 3 février 2026.", False),  # one date, twice
    ("Elle est souvent absente et revient fatiguée.", False),
])
def test_facts_are_dated(text, ok):
    assert passes("faits-dates", text) is ok


@pytest.mark.parametrize(("text", "ok"), [
    ("J'ai constaté qu'elle portait un sac neuf. Elle m'a dit : « c'est un cadeau ».", True),
    ("Nous avons observé des absences ; elle m’a confié avoir peur.", True),
    ("Elle a des problèmes avec un garçon.", False),
])
def test_facts_are_described_as_observed_with_their_source(text, ok):
    assert passes("constats", text) is ok


@pytest.mark.parametrize(("text", "ok"), [
    ("Elle a dit : « il me donne de l'argent le samedi ».", True),
    ("Elle a dit \"il me donne de l'argent\".", True),
    ("Elle a dit « oui ».", False),  # a single word does not report her words
    ("Elle a dit qu'il lui donne de l'argent.", False),
])
def test_the_young_persons_words_are_quoted(text, ok):
    assert passes("paroles", text) is ok


@pytest.mark.parametrize(("text", "ok"), [
    ("Depuis la rentrée, absences. Lors d'un entretien le 3 mars, je l'ai orientée vers l'infirmerie.", True),
    ("À la suite de sa révélation, j'ai appelé la CRIP pour conseil.", True),
    ("Elle a un téléphone neuf.", False),
])
def test_context_and_what_was_done(text, ok):
    assert passes("contexte", text) is ok


@pytest.mark.parametrize(("text", "ok"), [
    ("Ses parents ont été informés le 15 mars.", True),
    ("Les parents n'ont pas été informés : elle craint des représailles de son père.", True),
    ("Sa mère a été prévenue par téléphone.", True),
    ("Les représentants légaux n’ont pas été avisés, en raison d'un risque de danger.", True),
    ("Elle vit chez ses parents.", False),
])
def test_parents_informed_or_why_not(text, ok):
    assert passes("parents", text) is ok


@pytest.mark.parametrize(("text", "ok"), [
    ("Elle vit au foyer Les Cèdres et est scolarisée en 2de au lycée.", True),
    ("Il vit chez sa grand-mère ; il est élève de 4e.", True),
    ("Elle va mal.", False),
])
def test_where_the_young_person_lives_and_studies(text, ok):
    assert passes("situation", text) is ok


@pytest.mark.parametrize(("text", "ok"), [
    ("Le 12 mars, elle est arrivée en retard.", True),
    ("Je pense qu'elle ment.", False),
    ("JE PENSE QU’ELLE MENT.", False),
    ("Elle provoque les garçons.", False),
    ("Elle se prostitue le week-end.", False),
    ("Elle aime l'argent facile.", False),
    ("Il me semble qu'elle exagère.", False),
    ("Elle m'a dit : « je pense qu'il ment, il me provoque ».", True),  # her words, quoted
    ("Elle a dit \"elle provoque\" en parlant d'une amie.", True),
])
def test_no_interpretation_or_judgement(text, ok):
    assert passes("interpretation", text) is ok


@pytest.mark.parametrize(("text", "ok"), [
    ("Le 12 mars, j'ai reçu Lina ; une élève m'a montré spontanément un compte au pseudonyme « lina_93 ».", True),
    ("J'ai fait des captures d'écran de ses messages.", False),
    ("J’ai cherché le site d'annonces pour vérifier.", False),
    ("Je vous transmets les photos en pièce jointe.", False),
    ("On l'a convoquée avec ses amies.", False),
])
def test_no_investigation_and_no_image_attached(text, ok):
    """Investigating or attaching images is not the writer's role (art. 227-23 Code pénal for images)."""
    assert passes("enquete", text) is ok


@pytest.mark.parametrize(("text", "ok"), [
    ("Elle se met en danger par son comportement.", False),
    ("Elle fait n'importe quoi.", False),
    ("On pense que c'est vrai.", False),
    ("Elle a reconnu qu'il lui achetait des choses.", False),
    ("Elle m'a confié qu'il lui achetait des choses.", True),
])
def test_more_judgements_the_guide_warns_about(text, ok):
    assert passes("interpretation", text) is ok


def test_the_dossier_copied_is_not_an_ecrit():
    """Pasting the case file (with a line around it) fails the first item and scores 0 %, said
    on the page; a text that only quotes the young person's words exactly is not "copied"."""
    case = MODEL_IP.replace("Je soussignée", "Le dossier : je soussignée")
    result = check_text("Objet : IP.\n" + case + "\nMerci.", task="ip", elements=ELEMENTS, case_file=case)
    item = {i.code: i for i in result.items}["redaction"]
    assert not item.passed and item.blocking and result.score == 0.0
    assert "repris du dossier" in item.found[0]
    own = check_text(MODEL_IP, task="ip", elements=ELEMENTS, case_file=CASE + " « un garçon de 20 ans me paie mes "
                     "trucs, je lui dois des services »")
    assert own.score == 1.0


@pytest.mark.parametrize(("text", "ok"), [
    ("Elle pleure et dit ne plus dormir depuis le 2 mars.", True),
    ("Elle est dépressive.", False),
    ("Elle présente un stress post-traumatique.", False),
    ("Il est sans doute bipolaire.", False),
    ("Elle m'a dit : « le médecin dit que je suis en dépression ».", True),
])
def test_no_diagnosis(text, ok):
    assert passes("diagnostic", text) is ok


@pytest.mark.parametrize(("text", "ok"), [
    ("Elle m'a dit : « c'est Kevin qui m'envoie chez des hommes ».", True),
    ("Nous craignons qu'elle soit exploitée par un réseau de proxénètes.", True),
    ("Un agresseur présumé l'attendait à la sortie.", True),
    ("Kevin est son proxénète.", False),
    ("KEVIN EST LE PROXÉNÈTE.", False),
    ("Le coupable est son cousin.", False),
    ("Son agresseur l'attend le soir.", False),
])
def test_no_presumed_aggressor_named_guilty(text, ok):
    assert passes("agresseur", text) is ok


@pytest.mark.parametrize(("text", "ok"), [
    ("Elle m'a confié être victime de prostitution.", True),
    ("Elle a avoué qu'elle était prostituée.", False),
    ("Elle a dit : « je ne suis pas une prostituée ».", True),
])
def test_the_sites_vocabulary(text, ok):
    assert passes("vocabulaire", text) is ok


@pytest.mark.parametrize(("text", "flagged"), [
    ("Vous pouvez me joindre au 06 12 34 56 78.", ["06 12 34 56 78"]),
    ("Contact : +33 6 12 34 56 78", ["+33 6 12 34 56 78"]),
    ("Écrire à lina.martin@exemple.fr", ["lina.martin@exemple.fr"]),
    ("Elle habite 12 rue des Lilas.", ["12 rue des Lilas"]),
    ("Mme Durand, sa voisine, l'a vue.", ["Mme Durand"]),
    ("Julie MARTIN l'accompagne.", ["Julie MARTIN"]),
    ("La CRIP et l'ASE, puis le 119 et le 17.", []),
    ("Claire Fontaine, CPE au collège Les Tilleuls, pour Lina B.", []),  # from the fictional case
])
def test_identifying_data_not_in_the_case_is_flagged(text, flagged):
    """Real-looking data that the fictional case does not hold is pointed out."""
    assert identifying_data(text, allowed=CASE) == flagged


def test_identifying_data_is_a_warning_outside_the_score():
    """Real data is warned about, visibly, but does not change the score (it is not a writing fault)."""
    with_phone = MODEL_IP + "\nMon portable : 06 12 34 56 78."
    result = check_text(with_phone, task="ip", elements=ELEMENTS, case_file=CASE)
    assert result.score == 1.0
    assert [item.code for item in result.warnings] == ["donnees-reelles"]


def test_the_score_is_the_share_of_counted_items():
    """The grade is nothing but the items passed out of the items counted: nothing hidden."""
    result = check_text("Je pense qu'elle ment.", task="ip", elements=ELEMENTS, case_file=CASE)
    counted = [item for item in result.items if item.counted]
    assert result.score == pytest.approx(sum(item.passed for item in counted) / len(counted))
    assert result.score < 0.5


def test_limits_give_french_messages():
    """Too long, too short or with a NUL byte: a clear French message; the text is kept, cleaned."""
    assert "limite" in text_problem("a" * 12_001)
    assert "au moins" in text_problem("trop court")
    assert text_problem("trop court", for_draft=True) == ""
    assert "invisibles" in text_problem("avec\x00nul" + "a" * 300)
    assert clean_text("avec\x00nul\r\nfin") == "avecnul\nfin"
    assert text_problem("<script>alert(1)</script>" + "a" * 300) == ""  # stored as text, shown escaped
