"""Every page reflows at 320 CSS pixels (WCAG 1.4.10): on a phone, nothing makes the whole page
scroll sideways. Wide tables scroll inside their own labelled box, long links and codes break.

The pages are found the way people find them: starting from a few entry points, the test
follows every link of the site that a visitor, a learner (new, and at the end of the course)
and a trainer can reach, plus the pages no link leads to (results, errors, the check of a
certificate). Shipped content (`load_course`) and the demo groups (`seed_demo`) give the real
lessons, tables and figures.
"""
import uuid
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.template import loader

from elearning.management.commands.seed_demo import PASSWORD as DEMO_PASSWORD
from elearning.models import Cohort, Lesson, Membership, Skill
from elearning.progress.certificates import issue_certificate
from elearning.progress.completion import mark_lesson_done
from elearning.progress.selfassessment import record_confidence
from quizzes.attempts import load_quiz, submit
from quizzes.models import Quiz
from tests.conftest import PASSWORD, answer_quiz, enrol, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 320, "height": 640}
# Not pages: downloads, the admin and the editors' previews (staff on a computer), signing out.
SKIPPED = ("/admin/", "/apercu/", "/comptes/deconnexion/", "/static/")
SKIPPED_ENDINGS = (".csv", ".pdf", ".json", "/pdf/")


def a_learner_at_the_end(cohort):
    """Every lesson read, every quiz passed (one scenario failed first, so a result page shows
    wrong answers), confidence before and after, and the certificate."""
    learner = make_user("fin.de.parcours@example.test", first_name="Marie-Charlotte-Alexandrine",
                        last_name="Delacroix-Villeneuve-Saint-Aubin")
    enrol(learner, cohort)
    for lesson in Lesson.objects.published():
        mark_lesson_done(user=learner, lesson=lesson)
    for phase in ("avant", "apres"):
        record_confidence(user=learner, phase=phase, ratings={skill: 2 for skill in Skill.values})
    for quiz in Quiz.objects.published():
        if quiz.kind == Quiz.Kind.SCENARIO:
            answer_quiz(learner, quiz, wrong=True)
        answer_quiz(learner, quiz)
    issue_certificate(user=learner)
    return learner


def sign_in(page, email, password):
    page.goto("/comptes/connexion/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def too_wide(page) -> str | None:
    """When the page is wider than the viewport (it scrolls sideways): its width and the
    elements that stick out, to say what to fix."""
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width <= viewport:
        return None
    culprits = page.evaluate("""(viewport) => Array.from(document.body.querySelectorAll('*'))
        .filter(el => el.getBoundingClientRect().right > viewport + 1
                      && !Array.from(el.children).some(c => c.getBoundingClientRect().right > viewport + 1))
        .slice(0, 4)
        .map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '')
                   + ' « ' + (el.textContent || '').trim().slice(0, 40) + ' »')""", viewport)
    return f"{width} px — {'; '.join(culprits)}"


def crawl(page, seeds, *, seen) -> dict[str, int]:
    """Visit `seeds` and every same-site page linked from them; {path: width} of those too wide."""
    queue = list(seeds)
    failures = {}
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        page.goto(url)
        width = too_wide(page)
        if width:
            failures[url] = width
        origin = urlsplit(page.url).netloc
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            href = urldefrag(href).url
            parts = urlsplit(href)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if (parts.scheme in {"http", "https"} and parts.netloc == origin and path not in seen
                    and not path.startswith(SKIPPED) and not parts.path.endswith(SKIPPED_ENDINGS)):
                queue.append(path)
    return failures


def serve(html):
    def handler(route):
        route.fulfill(status=500, body=html, content_type="text/html; charset=utf-8")
    return handler


def test_every_page_reflows_at_320_pixels(browser, live_server):
    """A visitor, a new learner, a learner who finished the course and a trainer, on a 320 px
    wide phone, never have to scroll a page sideways — lessons with tables, the directory,
    the before/after summary, the certificate and its long link, trainer tables included."""
    call_command("load_course", verbosity=0)
    call_command("seed_demo", "--force", verbosity=0)
    cohort = Cohort.objects.get(name="Groupe Nord 2026")
    finished = a_learner_at_the_end(cohort)
    newcomer = make_user("nouvelle@example.test", notice_seen=False)
    enrol(newcomer, cohort)
    certificate = finished.certificates.get()
    attempts = [f"/quiz/{a.quiz.slug}/resultat/{a.pk}/" for a in finished.attempts.select_related("quiz")]
    scenario = Quiz.objects.published().filter(kind=Quiz.Kind.SCENARIO).first()
    content = load_quiz(scenario)
    # A failed attempt by the newcomer too: the result page with every explanation open.
    wrong = {q.id: {next(o.id for o in content.options[q.id] if not o.is_correct)} for q in content.questions}
    failed = submit(user=newcomer, content=content, chosen=wrong, submission_key=uuid.uuid4())
    public = ["/", "/parcours/", "/qui-contacter/", "/qui-contacter/?departement=93", "/glossaire/",
              "/accessibilite/", "/confidentialite/", "/mentions-legales/", "/prendre-soin-de-soi/",
              "/comptes/connexion/", "/comptes/inscription/", f"/comptes/inscription/{cohort.join_code}/",
              "/comptes/mot-de-passe-oublie/", "/comptes/mot-de-passe-oublie/envoye/",
              "/comptes/reinitialiser/termine/", certificate.get_absolute_url(), "/attestation/INCONNU/",
              "/une-page-qui-n-existe-pas/"]
    learner_seeds = ["/mon-parcours/", "/mon-compte/", "/mon-compte/supprimer/", "/mon-attestation/",
                     "/auto-evaluation/avant/", "/auto-evaluation/apres/", "/auto-evaluation/bilan/",
                     "/comptes/mot-de-passe/", "/comptes/mot-de-passe/modifie/", f"/rejoindre/{cohort.join_code}/"]
    trainer = Membership.objects.filter(role=Membership.Role.TRAINER, organisation=cohort.organisation).first().user

    failures, visited = {}, {}
    journeys = [
        ("visiteur·se", None, None, public),
        ("nouvelle apprenante", newcomer.email, PASSWORD,
         [*learner_seeds, "/avertissement/", f"/quiz/{scenario.slug}/resultat/{failed.pk}/"]),
        ("apprenante en fin de parcours", finished.email, PASSWORD, [*learner_seeds, *attempts]),
        ("formatrice", trainer.email, DEMO_PASSWORD, ["/formation/groupes/", "/mon-parcours/", "/mon-compte/"]),
    ]
    for who, email, password, seeds in journeys:
        context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport=PHONE)
        page = context.new_page()
        if email:
            sign_in(page, email, password)
        seen = set()
        for url, width in crawl(page, seeds, seen=seen).items():
            failures[f"{who} {url}"] = width
        visited[who] = seen
        context.close()

    # The error pages no link leads to, as the server sends them.
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport=PHONE)
    page = context.new_page()
    for template in ("403.html", "403_csrf.html", "500.html", "503.html"):
        html = loader.get_template(template).render()
        page.route("**/page-d-erreur/", serve(html))
        page.goto("/page-d-erreur/")
        page.unroute("**/page-d-erreur/")
        if width := too_wide(page):
            failures[template] = width
    context.close()

    # The crawl really went everywhere: every lesson, every quiz and its result, the trainer pages.
    learner_pages = visited["apprenante en fin de parcours"]
    lessons = {lesson.get_absolute_url() for lesson in Lesson.objects.published().select_related("module")}
    quizzes = {quiz.get_absolute_url() for quiz in Quiz.objects.published()
               if quiz.kind not in (Quiz.Kind.SELF_BEFORE, Quiz.Kind.SELF_AFTER)}
    assert lessons <= learner_pages, sorted(lessons - learner_pages)
    assert quizzes <= learner_pages, sorted(quizzes - learner_pages)
    trainer_pages = visited["formatrice"]
    assert {f"/formation/groupes/{cohort.pk}/", f"/formation/groupes/{cohort.pk}/questions/",
            f"/formation/organisation/{cohort.organisation_id}/"} <= trainer_pages, sorted(trainer_pages)
    assert any("/retirer/" in url for url in trainer_pages)
    assert sum(len(pages) for pages in visited.values()) > 100

    assert not failures, "Pages plus larges que 320 px (défilement horizontal) :\n" + "\n".join(
        f"  {url} : {width}" for url, width in sorted(failures.items()))
