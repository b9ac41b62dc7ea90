"""Cases that unfold (« situation évolutive », issue 18): a learner plays a case scene by
scene, each choice recorded once on the server; the quiz grades the path taken (a wrong turn
can be recovered later) and keeps it in the attempt's snapshot, which later edits of the case
never change; editors are refused a case that cannot be played; trainers see the paths."""
import json
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from elearning.live.sessions import live_quizzes, start_session
from elearning.resume import PARAM
from quizzes import case_runs, cases
from quizzes.case_content import CaseContentError, parse_case, read_cases
from quizzes.content_load import load_content
from quizzes.models import (
    Answer,
    AnswerStep,
    Attempt,
    CaseChoice,
    CaseEnding,
    CaseQuestion,
    CaseRun,
    CaseRunStep,
    CaseScene,
    Quiz,
)
from tests.conftest import (
    admin_form_data,
    answer_quiz,
    build_case,
    build_course,
    build_scenario_quiz,
    client_for,
    enrol,
    make_cohort,
    make_editor,
    make_org,
    make_trainer,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    _, modules, _ = build_course()
    quiz = Quiz.objects.create(slug="cas-quiz", title="Des situations qui évoluent", kind=Quiz.Kind.SCENARIO,
                               module=modules[-1], pass_mark=0.7, order=20)
    case = build_case(quiz)
    return {"quiz": quiz, "case": case, "modules": modules}


def keys(*pairs):
    return {f"{scene}:{choice}" for scene, choice in pairs}


# --- Scoring ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path, points, best, ending", [
    ([("s1", "b"), ("s2", "c"), ("s3", "a")], 6, 6, "fin-protegee"),
    ([("s1", "c"), ("s2", "c"), ("s3", "a")], 4, 6, "fin-protegee"),  # a wrong turn, recovered
    ([("s1", "a"), ("s2", "b"), ("s3", "b")], 3, 6, "fin-partielle"),
    ([("s1", "b"), ("s2", "a")], 2, 4, "fin-ratee"),  # an early ending: only the scenes visited count
    ([("s1", "c"), ("s2", "a")], 0, 4, "fin-ratee"),
])
def test_a_path_scores_its_points_over_the_best_on_the_scenes_visited(world, path, points, best, ending):
    """Score = points earned / best points possible on the scenes the learner went through."""
    case = CaseQuestion.objects.get(pk=world["case"].pk)
    grade = case.grade(case.read_response(sorted(keys(*path)), []), [])
    assert grade.score == pytest.approx(points / best)
    assert grade.steps[-1].kind == "fin" and grade.steps[-1].scene_key == ending
    assert [s.scene_key for s in grade.steps if s.kind == "scene"] == [scene for scene, _ in path]


def test_an_unfinished_or_incoherent_path_is_no_answer(world):
    """Keys that stop before an ending, or that skip a scene, never count as an answer."""
    case = CaseQuestion.objects.get(pk=world["case"].pk)
    assert case.read_response(["s1:b", "s2:c"], []) == set()
    assert case.read_response(["s2:c", "s3:a"], []) == set()
    assert case.read_response(["s1:z", "nonsense", "17"], []) == set()
    assert case.read_response(["s1:b", "s2:c", "s3:a", "s9:a"], []) == keys(("s1", "b"), ("s2", "c"), ("s3", "a"))


# --- Editors' validation -----------------------------------------------------------------------


def graph_rows(case):
    return list(case.scenes.all()), list(case.endings.all()), list(case.choices.all())


def test_the_test_case_is_valid_and_lists_every_path(world):
    scenes, endings, choices = graph_rows(world["case"])
    assert cases.validate_graph(scenes, endings, choices) == []
    # s1 (3 choices) × [s2a ends, or s2b / s2c then s3 (3 choices)]
    assert len(cases.all_paths(cases.Graph.build(scenes, endings, choices))) == 3 * (1 + 2 * 3)


@pytest.mark.parametrize("change, message", [
    (lambda s, e, c: [setattr(x, "next_key", "s3") for x in c if x.scene_key == "s1"],
     "La scène « s2 » (Décembre — une confidence) n'est atteinte par aucun choix"),
    (lambda s, e, c: [setattr(x, "next_key", "s2") for x in c if (x.scene_key, x.key) == ("s3", "c")],
     "Le cas tourne en rond : s2 → s3 → s2"),
    (lambda s, e, c: [setattr(x, "feedback", " ") for x in c if (x.scene_key, x.key) == ("s2", "b")],
     "Scène « s2 », choix « b » : ajoutez l'explication"),
    (lambda s, e, c: [setattr(x, "next_key", "s7") for x in c if (x.scene_key, x.key) == ("s2", "b")],
     "« s7 » n'est ni une scène ni une fin de ce cas"),
    (lambda s, e, c: [setattr(x, "points", 2) for x in c if (x.scene_key, x.key) == ("s1", "a")],
     "La scène « s1 » a 2 choix à 2 points"),
    (lambda s, e, c: [setattr(x, "debrief", "") for x in e if x.key == "fin-ratee"],
     "La fin « fin-ratee » n'a pas de débriefing"),
])
def test_validation_refuses_a_case_that_cannot_be_played(world, change, message):
    """Unreachable scenes, cycles, missing feedback, unknown keys, two best choices in a scene
    and an ending without debrief are refused with a French message naming the culprit."""
    scenes, endings, choices = graph_rows(world["case"])
    change(scenes, endings, choices)
    errors = cases.validate_graph(scenes, endings, choices)
    assert any(message in error for error in errors), errors


def test_validation_refuses_a_scene_from_which_no_ending_can_be_reached(world):
    """A scene without choices is a dead end: no ending can be reached from it."""
    scenes, endings, choices = graph_rows(world["case"])
    choices = [c for c in choices if c.scene_key != "s3"]
    errors = cases.validate_graph(scenes, endings, choices)
    assert any("La scène « s3 » propose 0 choix" in e for e in errors)
    structure = cases._structure_errors(
        scenes, {e.key for e in endings}, {"s1": [c for c in choices if c.scene_key == "s1"],
                                           "s2": [c for c in choices if c.scene_key == "s2"]})
    assert any("Aucune fin n'est atteignable depuis la scène « s3 »" in e for e in structure)


# --- Playing ------------------------------------------------------------------------------------


def case_url(world, suffix=""):
    return reverse("quiz_case", args=[world["quiz"].slug, world["case"].pk]) + suffix


def choose(client, world, position, scene, choice):
    return client.post(case_url(world, "choisir/"), {"position": position, "scene": scene, "choice": choice})


def test_a_learner_plays_scene_by_scene_and_sees_each_feedback(world, learner_client):
    """First scene, a choice, its feedback with the next scene, … up to the ending and its debrief."""
    page = learner_client.get(case_url(world))
    assert "Septembre — au collège" in page.content.decode() and "Choix s1a" in page.content.decode()
    response = choose(learner_client, world, 0, "s1", "c")
    assert response.status_code == 302 and response.url == case_url(world)
    page = learner_client.get(case_url(world)).content.decode()
    assert "Retour s1c" in page and "À éviter" in page and "Choix s1b" in page  # best choice shown
    assert "Décembre — une confidence" in page
    choose(learner_client, world, 1, "s2", "c")
    choose(learner_client, world, 2, "s3", "a")
    page = learner_client.get(case_url(world)).content.decode()
    assert "Fin : Fin fin-protegee" in page and "Débriefing fin-protegee." in page
    assert "4 points sur 6" in page


def test_a_double_submit_or_the_back_button_records_a_step_once(world, learner, learner_client):
    """The same choice sent twice, or an older scene's form sent again, records nothing more."""
    choose(learner_client, world, 0, "s1", "b")
    again = choose(learner_client, world, 0, "s1", "b")
    assert again.status_code == 302
    old_page = choose(learner_client, world, 0, "s1", "a")  # the back button, then another choice
    assert old_page.status_code == 302
    assert list(CaseRunStep.objects.values_list("scene_key", "choice_key")) == [("s1", "b")]
    assert "déjà été enregistré" in learner_client.get(case_url(world)).content.decode()


def test_a_choice_that_is_not_of_the_scene_gets_a_french_message(world, learner_client):
    """No choice, or one of another scene: 400 with a message, nothing recorded."""
    for value in ["", "z"]:
        response = choose(learner_client, world, 0, "s1", value)
        assert response.status_code == 400
        assert "Choisissez une des réponses proposées" in response.content.decode()
    assert not CaseRunStep.objects.exists()
    tampered = learner_client.post(case_url(world, "choisir/"), {"position": "x", "scene": "s1\x00", "choice": "a"})
    assert tampered.status_code == 400 and "a expiré ou a été modifié" in tampered.content.decode()


def test_two_simultaneous_choices_record_one_step(world, learner):
    """The write path itself refuses a second step at the same position."""
    case = CaseQuestion.objects.get(pk=world["case"].pk)
    first, _ = case_runs.choose(user=learner, case=case, position=0, scene_key="s1", choice_key="a")
    second, state = case_runs.choose(user=learner, case=case, position=0, scene_key="s1", choice_key="b")
    assert (first, second) == (case_runs.Outcome.RECORDED, case_runs.Outcome.ALREADY)
    assert state.position == 1 and CaseRunStep.objects.count() == 1


def test_an_expired_session_loses_no_choice(world, learner):
    """A choice sent after the session expired comes back ticked after signing in, and is
    recorded once when sent again."""
    anonymous = Client()
    response = choose(anonymous, world, 0, "s1", "b")
    assert response.status_code == 302
    back = unquote(response.url.split("next=", 1)[1])
    assert PARAM in back
    anonymous.force_login(learner)
    page = anonymous.get(back).content.decode()
    assert 'value="b" checked' in page
    choose(anonymous, world, 0, "s1", "b")
    choose(anonymous, world, 0, "s1", "b")
    assert CaseRunStep.objects.count() == 1


def test_the_quiz_counts_a_case_once_finished_and_clears_the_run_when_sent(world, learner, learner_client):
    """The quiz page says « Jouer le cas »; sent unfinished, it asks to finish the case; once
    finished, the path travels with the form, is graded, snapshotted, and the run is cleared."""
    quiz_url = world["quiz"].get_absolute_url()
    page = learner_client.get(quiz_url).content.decode()
    assert "Jouer le cas" in page and case_url(world) in page
    token = learner_client.get(quiz_url).context["token"]
    response = learner_client.post(reverse("quiz_submit", args=[world["quiz"].slug]), {"token": token})
    assert response.status_code == 400 and "Terminez ce cas" in response.content.decode()
    for position, (scene, choice) in enumerate([("s1", "c"), ("s2", "c"), ("s3", "a")]):
        choose(learner_client, world, position, scene, choice)
    page = learner_client.get(quiz_url)
    html = page.content.decode()
    assert "Cas terminé" in html and 'value="s1:c"' in html
    data = {"token": page.context["token"], f"q{world['case'].pk}": ["s1:c", "s2:c", "s3:a"]}
    response = learner_client.post(reverse("quiz_submit", args=[world["quiz"].slug]), data)
    assert response.status_code == 302
    attempt = Attempt.objects.get()
    assert attempt.score == pytest.approx(4 / 6) and not attempt.passed
    assert list(AnswerStep.objects.order_by("position").values_list("scene_key", "choice_key", "points")) == [
        ("s1", "c", 0), ("s2", "c", 2), ("s3", "a", 2), ("fin-protegee", "", None)]
    assert not CaseRun.objects.exists()
    review = learner_client.get(response.url).content.decode()
    assert "Retour s1c" in review and "0 point sur 2" in review and "Débriefing fin-protegee." in review


def test_later_edits_of_the_case_never_change_a_past_result_or_review(world, learner, learner_client):
    """Scene texts, points and choices edited or removed after an attempt: the attempt keeps
    its score and the review shows the path as it was played."""
    attempt = answer_quiz(learner, world["quiz"], {"cas-test": ["s1:b", "s2:b", "s3:b"]})
    assert attempt.score == pytest.approx(4 / 6)
    case = world["case"]
    CaseScene.objects.filter(case=case, key="s1").update(title="Titre réécrit")
    CaseChoice.objects.filter(case=case, scene_key="s2", key="b").update(points=0, text="Texte réécrit")
    CaseChoice.objects.filter(case=case, scene_key="s3", key="b").delete()
    CaseEnding.objects.filter(case=case, key="fin-partielle").update(debrief="Nouveau débriefing")
    attempt.refresh_from_db()
    assert attempt.score == pytest.approx(4 / 6)
    review = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert "Septembre — au collège" in review and "Choix s2b" in review and "Choix s3b" in review
    assert "Débriefing fin-partielle." in review and "Titre réécrit" not in review and "Texte réécrit" not in review


def test_a_run_made_stale_by_an_edit_starts_again(world, learner, learner_client):
    """A learner mid-case whose scene was removed starts the case again, with a message."""
    choose(learner_client, world, 0, "s1", "a")
    CaseChoice.objects.filter(case=world["case"], scene_key="s1", key="a").update(key="d")
    page = learner_client.get(case_url(world)).content.decode()
    assert "a été modifié depuis votre dernier passage" in page and "Septembre — au collège" in page
    assert choose(learner_client, world, 0, "s1", "d").status_code == 302
    assert list(CaseRunStep.objects.values_list("choice_key", flat=True)) == ["d"]


def test_restart_plays_the_case_again_from_the_first_scene(world, learner_client):
    choose(learner_client, world, 0, "s1", "a")
    assert learner_client.get(case_url(world, "recommencer/")).status_code == 302  # GET changes nothing
    assert CaseRunStep.objects.count() == 1
    learner_client.post(case_url(world, "recommencer/"))
    assert not CaseRun.objects.exists()


def test_a_case_of_another_quiz_a_draft_or_an_archived_case_is_a_404(world, learner_client):
    """The case id must belong to the quiz in the address and be live."""
    other = build_scenario_quiz(world["modules"][0], slug="autre")
    assert learner_client.get(reverse("quiz_case", args=[other.slug, world["case"].pk])).status_code == 404
    other_case = build_case(other, slug="cas-autre")
    assert learner_client.get(reverse("quiz_case", args=[world["quiz"].slug, other_case.pk])).status_code == 404
    CaseQuestion.objects.filter(pk=world["case"].pk).update(archived=True)
    assert learner_client.get(case_url(world)).status_code == 404
    assert choose(learner_client, world, 0, "s1", "a").status_code == 404


def test_the_case_page_runs_in_a_fixed_number_of_queries(world, learner_client, django_assert_num_queries):
    """Session, user, quiz, case, the run's steps, the case's scenes, endings and choices, the
    menu's trainer check."""
    choose(learner_client, world, 0, "s1", "a")
    with django_assert_num_queries(9):
        assert learner_client.get(case_url(world)).status_code == 200


def test_a_quiz_without_case_costs_no_query_more(db, learner):
    """Submitting a quiz with no case reads no case graph and writes no step or run."""
    _, modules, _ = build_course()
    quiz = build_scenario_quiz(modules[-1])
    with CaptureQueriesContext(connection) as queries:
        answer_quiz(learner, quiz)
    touched = [q["sql"] for q in queries.captured_queries
               if "quizzes_case" in q["sql"] or "quizzes_answerstep" in q["sql"]]
    assert touched == []
    assert Attempt.objects.count() == 1


# --- Editors -------------------------------------------------------------------------------------


def case_form_data(editor_client, case):
    response = editor_client.get(reverse("admin:quizzes_casequestion_change", args=[case.pk]))
    assert response.status_code == 200
    return admin_form_data(response)


def choice_field(data, scene_key, key, name):
    for index in range(int(data["choices-TOTAL_FORMS"])):
        if data.get(f"choices-{index}-scene_key") == scene_key and data.get(f"choices-{index}-key") == key:
            return f"choices-{index}-{name}"
    raise AssertionError((scene_key, key))


def test_editors_build_a_case_in_one_form_and_a_cycle_is_refused(world, editor_client):
    """The case's form holds its scenes, endings and choices; a change that makes a cycle is
    refused with a French message and nothing is written."""
    case = world["case"]
    Quiz.objects.filter(pk=world["quiz"].pk).update(status="draft")
    CaseQuestion.objects.filter(pk=case.pk).update(status="draft")
    data = case_form_data(editor_client, case)
    data[choice_field(data, "s3", "c", "next_key")] = "s1"
    response = editor_client.post(reverse("admin:quizzes_casequestion_change", args=[case.pk]), data)
    assert response.status_code == 200
    assert "Le cas tourne en rond" in response.content.decode()
    assert CaseChoice.objects.get(case=case, scene_key="s3", key="c").next_key == "fin-ratee"
    data[choice_field(data, "s3", "c", "next_key")] = "fin-partielle"
    response = editor_client.post(reverse("admin:quizzes_casequestion_change", args=[case.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert CaseChoice.objects.get(case=case, scene_key="s3", key="c").next_key == "fin-partielle"


def test_a_live_case_changes_its_graph_only_when_published(world, editor_client):
    """Saving a draft of a published case with a changed graph is refused (it would be lost);
    « Publier » applies it."""
    case = world["case"]
    data = case_form_data(editor_client, case)
    data[choice_field(data, "s1", "a", "text")] = "Choix réécrit"
    response = editor_client.post(reverse("admin:quizzes_casequestion_change", args=[case.pk]),
                                  {**data, "_save_draft": "1"})
    assert response.status_code == 200 and "ne se gardent pas en brouillon" in response.content.decode()
    response = editor_client.post(reverse("admin:quizzes_casequestion_change", args=[case.pk]),
                                  {**data, "_publish": "1"})
    assert response.status_code == 302
    assert CaseChoice.objects.get(case=case, scene_key="s1", key="a").text == "Choix réécrit"


def test_the_preview_plays_a_case_without_recording(world, db):
    """Editors preview the quiz: one answer per scene, graded along the path, nothing stored."""
    editor = client_for(make_editor())
    url = reverse("preview:quiz", args=[world["quiz"].pk])
    page = editor.get(url).content.decode()
    assert 'value="s1:b"' in page and "Aperçu" in page
    response = editor.post(url, {f"q{world['case'].pk}": ["s1:b", "s2:a", "s3:a"]})
    html = response.content.decode()
    assert response.status_code == 200 and "Débriefing fin-ratee." in html and "Retour s2a" in html
    assert not Attempt.objects.exists() and not AnswerStep.objects.exists()


# --- Content files and fixtures ------------------------------------------------------------------


def content_doc():
    return {
        "slug": "cas-essai", "title": "Essai", "profile": "un garçon", "intro_md": "Personnes fictives.",
        "start": "s1",
        "scenes": [
            {"key": "s2", "title": "Plus tard", "text_md": "Texte 2", "choices": [
                {"key": "a", "text": "A", "points": 2, "feedback_md": "F", "next": "fin-ok", "decision": "signalement"},
                {"key": "b", "text": "B", "points": 0, "feedback_md": "F", "next": "fin-ko", "decision": "rien"}]},
            {"key": "s1", "title": "D'abord", "text_md": "Texte 1", "choices": [
                {"key": "a", "text": "A", "points": 0, "feedback_md": "F", "next": "s2", "decision": ""},
                {"key": "b", "text": "B", "points": 2, "feedback_md": "F", "next": "s2", "decision": "ase"}]},
        ],
        "endings": [{"key": "fin-ok", "title": "Ok", "debrief_md": "D", "tone": "protege"},
                    {"key": "fin-ko", "title": "Ko", "debrief_md": "D", "tone": "rate"}],
    }


def test_a_content_file_becomes_a_case_with_the_sites_decision_words(db):
    """The hand-off format is read as is: the start scene opens the case, « ase » is the
    measure decision, « rien » is no transmission."""
    case, problems = parse_case(content_doc())
    assert problems == []
    assert [s.key for s in sorted(case.scenes, key=lambda s: s.order)] == ["s1", "s2"]
    assert {(c.scene_key, c.key): c.decision for c in case.choices}[("s1", "b")] == "mesure"
    assert {(c.scene_key, c.key): c.decision for c in case.choices}[("s2", "b")] == "aucune"


def test_a_faulty_content_file_is_refused_whole_with_french_messages(tmp_path, db):
    doc = content_doc()
    doc["scenes"][0]["choices"][1]["next"] = "s1"
    doc["scenes"][1]["choices"][0]["decision"] = "police"
    doc["endings"][0]["debrief_md"] = "Elle s'est prostituée."
    (tmp_path / "cas-essai.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(CaseContentError) as error:
        read_cases([tmp_path / "cas-essai.json"])
    text = "\n".join(error.value.problems)
    assert "décision « police » inconnue" in text and "tourne en rond" in text and "vocabulaire" in text


def test_import_then_export_then_load_round_trips_a_case(world, tmp_path):
    """import_cases writes the case, export_course writes it with natural keys, load_course
    brings it back identical into an empty database."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "cas-essai.json").write_text(json.dumps(content_doc()), encoding="utf-8")
    call_command("import_cases", str(tmp_path / "in"), "--quiz", world["quiz"].slug, verbosity=0)
    call_command("export_course", "--target", str(tmp_path / "out"), verbosity=0)
    fixture = json.loads((tmp_path / "out" / "quizzes" / f"{world['quiz'].slug}.json").read_text(encoding="utf-8"))
    models = [row["model"] for row in fixture]
    assert {"quizzes.casequestion", "quizzes.casescene", "quizzes.caseending", "quizzes.casechoice"} <= set(models)
    assert all("pk" not in row for row in fixture)
    before = sorted(CaseChoice.objects.values_list("case__slug", "scene_key", "key", "points", "next_key", "decision"))
    CaseChoice.objects.all().delete()
    CaseScene.objects.all().delete()
    CaseEnding.objects.all().delete()
    load_content(paths=[str(tmp_path / "out" / "quizzes" / f"{world['quiz'].slug}.json")])
    after = sorted(CaseChoice.objects.values_list("case__slug", "scene_key", "key", "points", "next_key", "decision"))
    assert after == before and len(after) == 9 + 4


# --- Trainers -------------------------------------------------------------------------------------


@pytest.fixture
def group(world):
    org = make_org()
    cohort = make_cohort(org)
    trainer = make_trainer(org, cohorts=[cohort])
    paths = [["s1:b", "s2:c", "s3:a"], ["s1:c", "s2:c", "s3:a"], ["s1:c", "s2:a"], ["s1:a", "s2:b", "s3:b"]]
    for index, path in enumerate(paths):
        user = make_user(f"l{index}@example.test")
        enrol(user, cohort)
        answer_quiz(user, world["quiz"], {"cas-test": path})
    return {"cohort": cohort, "trainer": trainer, **world}


def test_trainers_see_the_paths_per_scene_and_where_most_turned_wrong(group):
    """Counts per scene and choice, the endings reached, and the scene where the largest share
    did not choose best; the same figures in tables and in an SVG chart."""
    url = reverse("trainer_case_paths", args=[group["cohort"].pk, group["case"].pk])
    response = client_for(group["trainer"]).get(url)
    assert response.status_code == 200
    report = response.context["report"]
    scenes = {s.key: s for s in report.scenes}
    assert report.players == 4
    assert (scenes["s1"].visits, scenes["s2"].visits, scenes["s3"].visits) == (4, 4, 3)
    assert {c.key: c.count for c in scenes["s1"].choices} == {"a": 1, "b": 1, "c": 2}
    assert report.turned_wrong.key == "s1"  # 3 of 4 did not choose best there
    assert {e.key: e.count for e in report.endings} == {"fin-protegee": 2, "fin-partielle": 1, "fin-ratee": 1}
    html = response.content.decode()
    assert "<svg" in html and "<table>" in html and "Septembre — au collège" in html
    assert "3 apprenant·es sur 4 (75" in html


def test_the_path_report_counts_the_choices_as_played(group):
    """A choice removed from the case since is still counted, with the text it had."""
    CaseChoice.objects.filter(case=group["case"], scene_key="s3", key="b").delete()
    response = client_for(group["trainer"]).get(
        reverse("trainer_case_paths", args=[group["cohort"].pk, group["case"].pk]))
    assert "retiré du cas depuis" in response.content.decode()


def test_the_path_report_runs_in_a_fixed_number_of_queries(group, django_assert_num_queries):
    """The same number of queries whatever the group's size."""
    client = client_for(group["trainer"])
    url = reverse("trainer_case_paths", args=[group["cohort"].pk, group["case"].pk])
    # session, user, trainer check, cohort, case, graph (3), players, counts
    with django_assert_num_queries(10):
        client.get(url)
    user = make_user("late@example.test")
    enrol(user, group["cohort"])
    answer_quiz(user, group["quiz"], {"cas-test": ["s1:b", "s2:c", "s3:a"]})
    with django_assert_num_queries(10):
        client.get(url)


def test_another_organisations_trainer_or_a_non_case_id_gets_a_404(group):
    org_b = make_org("org-b", "Organisation B")
    outsider = make_trainer(org_b, "b@example.test", cohorts=[make_cohort(org_b, "B")])
    url = reverse("trainer_case_paths", args=[group["cohort"].pk, group["case"].pk])
    assert client_for(outsider).get(url).status_code == 404
    other_question = Answer.objects.exclude(question=group["case"]).values_list("question_id", flat=True).first()
    if other_question is None:
        other_question = group["case"].pk + 1000
    bad = reverse("trainer_case_paths", args=[group["cohort"].pk, other_question])
    assert client_for(group["trainer"]).get(bad).status_code == 404


def test_the_item_analysis_links_each_case_to_its_paths(group):
    response = client_for(group["trainer"]).get(reverse("trainer_items", args=[group["cohort"].pk]))
    assert reverse("trainer_case_paths", args=[group["cohort"].pk, group["case"].pk]) in response.content.decode()


def test_the_learners_trainer_page_shows_the_path_played(group):
    learner = group["cohort"].enrolments.first().user
    response = client_for(group["trainer"]).get(
        reverse("trainer_learner", args=[group["cohort"].pk, learner.pk]))
    assert "Fin : Fin fin-" in response.content.decode()


# --- Learner data ---------------------------------------------------------------------------------


def test_a_case_in_progress_and_a_path_played_are_in_the_learners_data_export(world, learner, learner_client):
    """« Mes données » lists the paths sent and the case being played; nobody else's."""
    answer_quiz(learner, world["quiz"], {"cas-test": ["s1:b", "s2:c", "s3:a"]})
    choose(learner_client, world, 0, "s1", "a")
    other = make_user("autre@example.test")
    case_runs.choose(user=other, case=CaseQuestion.objects.get(pk=world["case"].pk), position=0,
                     scene_key="s1", choice_key="c")
    export = learner_client.get(reverse("data_export")).json()
    assert export["cas_en_cours"] == [{"cas": "cas-test", "commence_le": export["cas_en_cours"][0]["commence_le"],
                                       "choix": ["s1:a"]}]
    played = export["tentatives"][0]["reponses"][0]["choix"]
    assert "Septembre — au collège : Choix s1b" in played and "Fin : Fin fin-protegee" in played


def test_deleting_the_account_deletes_its_cases_in_progress(world, learner):
    """A case being played is learner data: it goes with the account."""
    case_runs.choose(user=learner, case=CaseQuestion.objects.get(pk=world["case"].pk), position=0,
                     scene_key="s1", choice_key="a")
    learner.delete()
    assert not CaseRun.objects.exists() and not CaseRunStep.objects.exists()


def test_a_case_is_never_put_to_a_live_vote(world):
    """Live sessions vote on one screen per question: a quiz of cases is not offered, and a
    quiz mixing both keeps only its other questions."""
    assert world["quiz"] not in live_quizzes()
    mixed = build_scenario_quiz(world["modules"][0], slug="mixte")
    case = build_case(mixed, slug="cas-mixte")
    assert mixed in live_quizzes()
    org = make_org()
    cohort = make_cohort(org)
    session = start_session(cohort=cohort, quiz=mixed, trainer=make_trainer(org, cohorts=[cohort]))
    assert case.pk not in session.question_ids and len(session.question_ids) == 4


def test_an_editor_adds_a_whole_case_in_one_save(world, editor_client):
    """A new case: its scenes, endings and choices typed in the one add form, saved together;
    a choice pointing to a scene added in the same save is accepted."""
    data = admin_form_data(editor_client.get(reverse("admin:quizzes_casequestion_add")))
    data.update({"quiz": world["quiz"].pk, "order": 9, "title": "Adam, 16 ans", "slug": "cas-adam",
                 "prompt": "Personnes fictives.", "skill": "decider"})
    for index, (key, title) in enumerate([("s1", "Mars"), ("s2", "Avril")]):
        data.update({f"scenes-{index}-key": key, f"scenes-{index}-order": index + 1,
                     f"scenes-{index}-title": title, f"scenes-{index}-text": f"Texte {key}"})
    for index, key in enumerate(["fin-ok", "fin-ko"]):
        data.update({f"endings-{index}-key": key, f"endings-{index}-order": index + 1, f"endings-{index}-title": key,
                     f"endings-{index}-tone": "protege" if key == "fin-ok" else "rate",
                     f"endings-{index}-debrief": "Débriefing"})
    rows = [("s1", "a", 2, "s2"), ("s1", "b", 0, "s2"), ("s2", "a", 0, "fin-ko"), ("s2", "b", 2, "fin-ok")]
    for index, (scene, key, points, next_key) in enumerate(rows):
        data.update({f"choices-{index}-scene_key": scene, f"choices-{index}-key": key,
                     f"choices-{index}-order": index, f"choices-{index}-text": f"Choix {scene}{key}",
                     f"choices-{index}-points": points, f"choices-{index}-feedback": "Pourquoi",
                     f"choices-{index}-next_key": next_key})
    response = editor_client.post(reverse("admin:quizzes_casequestion_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    case = CaseQuestion.objects.get(slug="cas-adam")
    assert (case.scenes.count(), case.endings.count(), case.choices.count()) == (2, 2, 4)
    assert case.grade(case.read_response(["s1:a", "s2:b"], []), []).score == 1.0
