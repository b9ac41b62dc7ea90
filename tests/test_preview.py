"""Preview: editors see a lesson, a question or a quiz exactly as learners will, drafts
included, under an "Aperçu" banner; answering in a preview records nothing; nobody else
can open a preview."""
import pytest

from elearning.models import Membership, Status
from quizzes.models import Attempt, DecisionQuestion, Question, QuizResult, SignalQuestion
from tests.conftest import client_for, enrol, make_cohort, make_org, make_user

pytestmark = pytest.mark.django_db




def templates_used(response):
    return [t.name for t in response.templates]


def test_lesson_preview_shows_a_draft_with_the_learners_template(editor_client, content):
    """A draft lesson is shown with the learners' own page, the banner saying it is a draft."""
    lesson = content["lessons"][1]
    lesson.status = Status.DRAFT
    lesson.body = "## Nouvelle partie\n\n> [!retenir] À retenir\n> Un seul signal suffit pour s'inquiéter."
    lesson.save()
    response = editor_client.get(f"/apercu/lecon/{lesson.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "elearning/lesson_detail.html" in templates_used(response)
    assert "<strong>Aperçu</strong>" in html and "brouillon" in html
    assert "<h2>Nouvelle partie</h2>" in html and "callout-retenir" in html
    assert f"/admin/elearning/lesson/{lesson.pk}/change/" in html
    # Its place in the module's table of contents, between its neighbours.
    toc = response.context["module_progress"]
    assert [s.lesson.pk for s in toc.lessons] == [content["lessons"][0].pk, lesson.pk]
    assert response.context["previous"].pk == content["lessons"][0].pk


def test_lesson_preview_reads_a_fixed_number_of_queries(editor_client, content, django_assert_num_queries):
    """The preview costs the same whatever the size of the course."""
    lesson = content["lessons"][0]
    editor_client.get(f"/apercu/lecon/{lesson.pk}/")
    # session, user, permissions (2), lesson, the course's lessons, the module's quizzes,
    # the lesson's pending draft (none here), and the menu's "is trainer" check
    with django_assert_num_queries(9):
        assert editor_client.get(f"/apercu/lecon/{lesson.pk}/").status_code == 200


@pytest.mark.parametrize("model_name", ["signalquestion", "decisionquestion", "wordingquestion",
                                        "multiplechoicequestion"])
def test_question_preview_uses_the_learners_partial(editor_client, content, model_name):
    """Each question type is previewed with the very partial learners see."""
    question = Question.objects.get(quiz=content["quiz"], polymorphic_ctype__model=model_name)
    response = editor_client.get(f"/apercu/question/{question.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert question.template_name in templates_used(response)
    assert "quizzes/quiz_detail.html" in templates_used(response)
    assert "<strong>Aperçu</strong>" in html and question.title in html
    assert f'action="/apercu/question/{question.pk}/"' in html
    for option in question.options.all():
        assert f'value="{option.id}"' in html


def test_answering_a_preview_grades_it_and_records_nothing(editor_client, content):
    """The editor sees the learners' result page, feedback and score included; no attempt is stored."""
    question = SignalQuestion.objects.get(quiz=content["quiz"])
    chosen = [str(o.id) for o in question.options.filter(is_correct=True)]
    response = editor_client.post(f"/apercu/question/{question.pk}/", {f"q{question.id}": chosen, "token": "x"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "quizzes/quiz_result.html" in templates_used(response)
    assert "<strong>Aperçu</strong>" in html and "100\u202f%" in html
    for option in question.options.all():
        assert option.feedback in html
    assert "Signal — " in html and "Pas un signal" in html
    assert Attempt.objects.count() == QuizResult.objects.count() == 0


def test_decision_preview_shows_the_legal_basis_after_answering(editor_client, content):
    """The legal basis and key points appear after answering, as for learners."""
    question = DecisionQuestion.objects.get(quiz=content["quiz"])
    wrong = question.options.filter(is_correct=False).first()
    response = editor_client.post(f"/apercu/question/{question.pk}/", {f"q{question.id}": [str(wrong.id)]})
    html = response.content.decode()
    assert "Fondement juridique" in html and "L226-3" in html and "à revoir" in html


def test_unanswered_preview_asks_for_the_missing_answer(editor_client, content):
    """Sending the preview without answering shows the learners' "missing answer" message."""
    question = SignalQuestion.objects.get(quiz=content["quiz"])
    response = editor_client.post(f"/apercu/question/{question.pk}/", {})
    assert response.status_code == 400
    assert "Répondez à cette question." in response.content.decode()


def test_quiz_preview_includes_drafts_and_leaves_archived_questions_out(editor_client, content):
    """A draft quiz is previewed as learners will see it once published: without archived questions."""
    quiz = content["quiz"]
    quiz.status = Status.DRAFT
    quiz.save()
    archived = DecisionQuestion.objects.get(quiz=quiz)
    Question.objects.filter(pk=archived.pk).update(archived=True)
    response = editor_client.get(f"/apercu/quiz/{quiz.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ce quiz est un brouillon" in html
    shown = [item["question"].pk for item in response.context["items"]]
    assert archived.pk not in shown and len(shown) == 3
    archived_page = editor_client.get(f"/apercu/question/{archived.pk}/").content.decode()
    assert "Cette question est archivée" in archived_page


def test_admin_change_pages_link_to_the_preview(editor_client, content):
    """Each lesson, question and quiz form has its "Voir l'aperçu" link."""
    lesson, quiz = content["lessons"][0], content["quiz"]
    question = quiz.questions.first()
    for admin_url, preview_url in [
        (f"/admin/elearning/lesson/{lesson.pk}/change/", f"/apercu/lecon/{lesson.pk}/"),
        (f"/admin/quizzes/question/{question.pk}/change/", f"/apercu/question/{question.pk}/"),
        (f"/admin/quizzes/quiz/{quiz.pk}/change/", f"/apercu/quiz/{quiz.pk}/"),
    ]:
        html = editor_client.get(admin_url).content.decode()
        assert f'<a href="{preview_url}" class="viewsitelink">Voir l\'aperçu</a>' in html


@pytest.mark.parametrize("role", ["learner", "trainer"])
def test_nobody_but_editors_opens_a_preview(content, role):
    """Learners and trainers get "page introuvable" on every preview, drafts stay unseen."""
    user = make_user(f"{role}@example.test")
    enrol(user, make_cohort(make_org()), role=Membership.Role.TRAINER if role == "trainer" else Membership.Role.LEARNER)
    client = client_for(user)
    question = content["quiz"].questions.first()
    for url in [f"/apercu/lecon/{content['lessons'][0].pk}/", f"/apercu/question/{question.pk}/",
                f"/apercu/quiz/{content['quiz'].pk}/"]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url


def test_anonymous_visitor_is_asked_to_log_in(client, content):
    """An anonymous visitor is sent to the login page, then back to the preview."""
    url = f"/apercu/lecon/{content['lessons'][0].pk}/"
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert "next=" in response["Location"]


def test_unknown_preview_is_a_404(editor_client, content):
    assert editor_client.get("/apercu/lecon/999999/").status_code == 404
    assert editor_client.get("/apercu/question/999999/").status_code == 404


def test_preview_respects_the_content_security_policy(editor_client, content):
    """No inline style or script in the preview: the strict CSP holds."""
    response = editor_client.get(f"/apercu/lecon/{content['lessons'][0].pk}/")
    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert " style=" not in html and "<script>" not in html


def test_lesson_preview_button_records_nothing(db, client):
    """An editor previewing a lesson cannot mark it done for their own account by mistake."""
    from django.contrib.auth.models import Group

    from elearning.editors import sync_editors_group  # noqa: F401  (group exists after migrate)
    from elearning.models import EDITORS_GROUP, Lesson
    from tests.conftest import build_course, make_user

    build_course()
    editor = make_user("ed@example.test", is_staff=True)
    editor.groups.add(Group.objects.get_or_create(name=EDITORS_GROUP)[0])
    client.force_login(editor)
    lesson = Lesson.objects.first()
    html = client.get(f"/apercu/lecon/{lesson.pk}/").content.decode()
    assert "inactif dans l" in html and "/terminer/" not in html
