"""The content editor's journey, by keyboard: edit a published lesson in the admin, keep the
edit as a draft, preview it as learners will see it, publish it — while a learner, in
another browser, reads the published text until the publication. axe-core checks the pages
learners and editors share (the preview, the published lesson) and the admin pages."""
import re

import pytest
from django.conf import settings
from django.test import Client

from elearning.editors import ensure_editors_group
from elearning.models import Status
from tests.browser.conftest import activate, assert_accessible, tab_to, type_into
from tests.conftest import PASSWORD, build_course, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PARAGRAPH = "Nouveau : le numéro 119 est joignable par tchat sur allo119.gouv.fr."


def learner_page(browser, live_server):
    """A second browser, signed in as a learner who has read the content notice."""
    learner = make_user("apprenante.lectrice@example.test")
    client = Client()
    client.force_login(learner)
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", bypass_csp=True)  # axe-core is injected
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    return context, context.new_page()


def test_editor_drafts_previews_and_publishes_a_published_lesson(page, browser, live_server):
    """An editor changes a published lesson: saved as a draft, learners keep the published
    text; the preview shows the draft under the « Aperçu » banner; « Publier » puts it live,
    and the history says « Publié »."""
    _, _, lessons = build_course(n_modules=1, lessons_per_module=1)
    lesson = lessons[0]
    published_text = "Texte de la leçon 1.1."
    editor = make_user("editrice@example.test", first_name="Inès", last_name="Leroy", is_staff=True)
    editor.groups.add(ensure_editors_group())
    reader_context, reader = learner_page(browser, live_server)

    # Sign in to the admin.
    page.goto("/admin/")
    assert "/admin/login/" in page.url
    type_into(page, page.locator("#id_username"), editor.email)
    type_into(page, page.locator("#id_password"), PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/admin/")
    assert_accessible(page)

    # The lesson, from the list of lessons.
    activate(page, page.get_by_role("link", name="Leçons", exact=True).first)
    assert_accessible(page)
    activate(page, page.get_by_role("link", name=lesson.title))
    assert page.url.endswith(f"/admin/elearning/lesson/{lesson.pk}/change/")
    assert "vos modifications restent un brouillon" in page.inner_text("#content")
    assert_accessible(page)
    tab_to(page, page.locator("#id_body"))
    page.keyboard.press("Control+End")
    page.keyboard.type("\n\n" + NEW_PARAGRAPH)
    activate(page, page.get_by_role("button", name="Enregistrer le brouillon"))
    assert "les apprenant·es voient toujours la version publiée" in page.inner_text("body")
    lesson.refresh_from_db()
    assert NEW_PARAGRAPH not in lesson.body and lesson.status == Status.PUBLISHED

    # The learner still reads the published text.
    reader.goto(lesson.get_absolute_url())
    text = reader.inner_text("main")
    assert published_text in text and NEW_PARAGRAPH not in text

    # The preview of the draft: the learners' page, with the banner.
    activate(page, page.get_by_role("button", name="Prévisualiser"))
    assert page.url.endswith(f"/apercu/lecon/{lesson.pk}/")
    main = page.inner_text("main")
    assert "Aperçu" in main and "Vous voyez le brouillon" in main and NEW_PARAGRAPH in main
    assert_accessible(page)

    # Publish it.
    activate(page, page.get_by_role("link", name="Revenir à la modification"))
    assert NEW_PARAGRAPH in page.locator("#id_body").input_value()  # the form continues the draft
    reader.reload()
    assert NEW_PARAGRAPH not in reader.inner_text("main")  # still the published text
    activate(page, page.get_by_role("button", name="Publier"))
    assert re.search("est publié", page.inner_text("body"))
    assert_accessible(page)
    lesson.refresh_from_db()
    assert NEW_PARAGRAPH in lesson.body and lesson.history.first().history_change_reason == "Publié"

    reader.reload()
    assert NEW_PARAGRAPH in reader.inner_text("main")
    assert_accessible(reader)
    reader_context.close()
