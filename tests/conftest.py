"""Plain builders for tests: a small course with one question of each type."""
import datetime

import pytest
from django.test import Client

from elearning.editors import ensure_editors_group
from elearning.models import Cohort, Contact, Course, Lesson, Membership, Module, Organisation, User
from quizzes.models import (
    DecisionQuestion,
    MultipleChoiceQuestion,
    Option,
    Quiz,
    SignalQuestion,
    SingleChoiceQuestion,
    WordingQuestion,
)

PASSWORD = "Un-mot-de-passe-solide-42"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(email="apprenante@example.test", *, password=PASSWORD, notice_seen=True, **fields):
    from django.utils import timezone

    fields.setdefault("first_name", "Camille")
    fields.setdefault("last_name", "Martin")
    user = User.objects.create_user(email=email, password=password, **fields)
    if notice_seen:
        user.content_notice_seen_at = timezone.now()
        user.save(update_fields=["content_notice_seen_at"])
    return user


def make_org(slug="org-a", name="Organisation A"):
    return Organisation.objects.create(slug=slug, name=name)


def make_cohort(org, name="Groupe 1", *, trainers=None):
    """A group trained by `trainers` (by default every trainer the organisation has now,
    as the migration to co-trainers left existing groups)."""
    cohort = Cohort.objects.create(organisation=org, name=name)
    if trainers is None:
        trainers = User.objects.filter(memberships__organisation=org, memberships__role=Membership.Role.TRAINER)
    cohort.trainers.add(*trainers)
    return cohort


def enrol(user, cohort, role=Membership.Role.LEARNER):
    from elearning.accounts import join_cohort

    if role == Membership.Role.TRAINER:
        cohort.trainers.add(user)
        return Membership.objects.get_or_create(user=user, organisation=cohort.organisation, role=role)[0]
    return join_cohort(user=user, cohort=cohort)


def add_options(question, specs):
    """specs: list of (text, is_correct, extra-fields dict)."""
    options = []
    for index, (text, correct, extra) in enumerate(specs, start=1):
        options.append(Option.objects.create(
            question=question, key=chr(96 + index), order=index, text=text, is_correct=correct,
            feedback=f"Explication pour {text}", **extra))
    return options


def build_course(n_modules=2, lessons_per_module=2):
    """A course whose every lesson has a one-question check, plus a scenario quiz with one
    question of each type in the last module."""
    course = Course.objects.create(slug="cours-test", title="Cours de test", summary="Résumé")
    modules, lessons = [], []
    for m in range(1, n_modules + 1):
        module = Module.objects.create(course=course, slug=f"module-{m}", title=f"Module {m}", order=m)
        modules.append(module)
        for n in range(1, lessons_per_module + 1):
            lesson = Lesson.objects.create(
                module=module, slug=f"lecon-{m}-{n}", title=f"Leçon {m}.{n}", order=n,
                body=f"## Partie\n\nTexte de la leçon {m}.{n}.\n\n> [!chiffre] Chiffre clé\n> 6 000 à 10 000 (ECPAT)",
            )
            lessons.append(lesson)
            quiz = Quiz.objects.create(slug=f"verif-{m}-{n}", title=f"Vérifier {m}.{n}", kind=Quiz.Kind.LESSON_CHECK,
                                       module=module, lesson=lesson, pass_mark=0.6, order=n)
            q = SingleChoiceQuestion.objects.create(quiz=quiz, slug=f"q-{m}-{n}", title=f"Question {m}.{n}",
                                                    prompt="Quel article ?", lesson=lesson, skill="decider")
            add_options(q, [("L226-3", True, {}), ("338", False, {})])
    return course, modules, lessons


def build_scenario_quiz(module, slug="scenario", pass_mark=0.7):
    quiz = Quiz.objects.create(slug=slug, title="Scénarios", kind=Quiz.Kind.SCENARIO, module=module,
                               pass_mark=pass_mark, order=10)
    lesson = module.lessons.first()
    sig = SignalQuestion.objects.create(quiz=quiz, slug=f"{slug}-sig", title="Inès", prompt="Vignette", lesson=lesson,
                                        skill="reperer", order=1)
    add_options(sig, [("Cadeaux", True, {"family": "materiel"}), ("Fugues", True, {"family": "vulnerabilite"}),
                      ("Aime le foot", False, {}), ("Nouveau téléphone", True, {"family": "materiel"})])
    dec = DecisionQuestion.objects.create(quiz=quiz, slug=f"{slug}-dec", title="Yanis", prompt="Vignette", lesson=lesson,
                                          skill="decider", order=2, legal_basis="art. L226-3 CASF", key_points="- ne pas enquêter")
    add_options(dec, [("IP", False, {"decision": "ip"}), ("Signalement", True, {"decision": "signalement"}),
                      ("17", False, {"decision": "urgence"}), ("Rien", False, {"decision": "aucune"})])
    mot = WordingQuestion.objects.create(quiz=quiz, slug=f"{slug}-mot", title="Léa", prompt="Situation", lesson=lesson,
                                         skill="dire", order=3)
    add_options(mot, [("« Je te crois »", True, {}), ("« Pourquoi tu n'as rien dit ? »", False, {}),
                      ("« Tu es sûre ? »", False, {})])
    mcq = MultipleChoiceQuestion.objects.create(quiz=quiz, slug=f"{slug}-mcq", title="Articles", prompt="Lesquels ?",
                                                lesson=lesson, skill="decider", order=4)
    add_options(mcq, [("225-12-1", True, {}), ("225-7", True, {}), ("338", False, {})])
    return quiz


@pytest.fixture
def course(db):
    return build_course()


@pytest.fixture
def learner(db):
    return make_user()


@pytest.fixture
def learner_client(learner):
    client = Client()
    client.force_login(learner)
    return client


# --- Trainer reports (issue 6) -------------------------------------------------------------


def make_trainer(org, email="formatrice@example.test", *, cohorts=None, **fields):
    """A user with the trainer role in `org`, training `cohorts` (by default every group the
    organisation has now)."""
    fields.setdefault("first_name", "Fatou")
    fields.setdefault("last_name", "Diallo")
    user = make_user(email, **fields)
    Membership.objects.create(user=user, organisation=org, role=Membership.Role.TRAINER)
    user.trained_cohorts.add(*(Cohort.objects.filter(organisation=org) if cohorts is None else cohorts))
    return user


def make_manager(org, email="responsable@example.test", **fields):
    """A user with the manager role in `org` (and no trainer role)."""
    fields.setdefault("first_name", "Nadia")
    fields.setdefault("last_name", "Benali")
    user = make_user(email, **fields)
    Membership.objects.create(user=user, organisation=org, role=Membership.Role.MANAGER)
    return user


def answer_quiz(user, quiz, picks=None, *, wrong=False):
    """Submit one attempt through the real write path (quizzes.attempts.submit).

    picks: {question slug: [option keys]}; a question left out gets its right answer (for a
    radio question, the first right option), or with wrong=True its first wrong option."""
    import uuid

    from quizzes.attempts import load_quiz, submit

    content = load_quiz(quiz)
    chosen = {}
    for question in content.questions:
        options = content.options[question.id]
        keys = (picks or {}).get(question.slug)
        if keys is None:
            right = [o.key for o in options if o.is_correct]
            if wrong:
                keys = [next(o.key for o in options if not o.is_correct)]
            else:
                keys = right if question.input_type == "checkbox" else right[:1]
        chosen[question.id] = {o.id for o in options if o.key in keys}
    return submit(user=user, content=content, chosen=chosen, submission_key=uuid.uuid4())


@pytest.fixture(scope="module")
def shipped_content(django_db_setup, django_db_blocker):
    """The real course fixtures, loaded once for a whole test module (tests still run in
    their own rolled-back transactions), then flushed so other modules start empty."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("load_course", verbosity=0)
        yield
        call_command("flush", interactive=False, verbosity=0)


# --- Editors and the admin (issue 7) ---------------------------------------------------------


def make_editor(email="editrice@example.test"):
    user = make_user(email, is_staff=True)
    user.groups.add(ensure_editors_group())
    return user


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def build_content():
    """A small course, a scenario quiz with one question of each type, one contact."""
    _, modules, lessons = build_course()
    quiz = build_scenario_quiz(modules[-1])
    contact = Contact.objects.create(
        slug="crip-93", name="CRIP 93", kind=Contact.Kind.CRIP, departement="93", phone="01 43 93 10 35",
        source="le guide régional, 2022",
    )
    return {"modules": modules, "lessons": lessons, "quiz": quiz, "contact": contact}


def widget_value(bound):
    value = bound.value()
    if value is None:
        return None
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _form_fields(form, data):
    for name in form.fields:
        value = widget_value(form[name])
        if value is not None:
            data[form.add_prefix(name)] = value


def admin_form_data(response) -> dict:
    """What a browser would post back from an admin add/change page, unchanged."""
    data = {}
    _form_fields(response.context["adminform"].form, data)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
        for form in formset.forms:
            _form_fields(form, data)
    return data


def option_rows(data, prefix="options"):
    return int(data[f"{prefix}-TOTAL_FORMS"])




@pytest.fixture
def content(db):
    return build_content()


@pytest.fixture
def editor_client(db):
    return client_for(make_editor())


# --- Sign-up with activation by e-mail (issue 11) ---------------------------------------------


def activation_link() -> str:
    """The path of the activation link in the last e-mail sent."""
    import re

    from django.core import mail

    return re.search(r"https?://[^/\s]+(/comptes/activer/[^\s]+/)", mail.outbox[-1].body).group(1)


def sign_up_and_activate(client, data):
    """Sign up as a visitor would, then open the link from the e-mail and activate."""
    response = client.post("/comptes/inscription/", data)
    if response.status_code != 302:
        return response
    return client.post(activation_link())
