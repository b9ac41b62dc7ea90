"""The content editor's journey, by keyboard: edit a draft lesson in the admin, preview it as
learners will see it, publish it. axe-core checks the pages learners and editors share (the
preview, the published lesson) and the admin pages of the journey."""
import re

import pytest

from elearning.editors import ensure_editors_group
from elearning.models import Lesson, Status
from tests.browser.conftest import activate, assert_accessible, tab_to, type_into
from tests.conftest import PASSWORD, build_course, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PARAGRAPH = "Nouveau : le numéro 119 est joignable par tchat sur allo119.gouv.fr."


def test_editor_edits_previews_and_publishes_a_lesson(page):
    """An editor changes a draft lesson, sees it in the preview exactly as learners will
    (with the « Aperçu » banner saying it is a draft), publishes it, and learners can read it."""
    _, modules, _ = build_course(n_modules=1, lessons_per_module=1)
    draft = Lesson.objects.create(module=modules[0], slug="lecon-nouvelle", title="Leçon nouvelle", order=5,
                                  status=Status.DRAFT, body="## Partie\n\nPremier jet.")
    editor = make_user("editrice@example.test", first_name="Inès", last_name="Leroy", is_staff=True)
    editor.groups.add(ensure_editors_group())

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
    activate(page, page.get_by_role("link", name=draft.title))
    assert page.url.endswith(f"/admin/elearning/lesson/{draft.pk}/change/")
    assert_accessible(page)
    tab_to(page, page.locator("#id_body"))
    page.keyboard.press("Control+End")
    page.keyboard.type("\n\n" + NEW_PARAGRAPH)
    activate(page, page.get_by_role("button", name=re.compile("continuer les modifications")))
    draft.refresh_from_db()
    assert NEW_PARAGRAPH in draft.body and draft.status == Status.DRAFT

    # The preview: the learners' page, with the banner.
    activate(page, page.get_by_role("link", name="Voir l'aperçu"))
    assert page.url.endswith(f"/apercu/lecon/{draft.pk}/")
    main = page.inner_text("main")
    assert "Aperçu" in main and "brouillon" in main
    assert NEW_PARAGRAPH in main
    assert_accessible(page)
    response = page.request.get(draft.get_absolute_url(), max_redirects=0)
    assert response.status == 404  # learners cannot see the draft yet

    # Publish it.
    activate(page, page.get_by_role("link", name="Revenir à la modification"))
    tab_to(page, page.locator("#id_status"))
    page.keyboard.press("ArrowDown")  # « Brouillon » → « Publié »
    assert page.locator("#id_status").input_value() == Status.PUBLISHED
    activate(page, page.get_by_role("button", name="Enregistrer", exact=True))
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert_accessible(page)

    page.goto(draft.get_absolute_url())
    assert NEW_PARAGRAPH in page.inner_text("main")
    assert_accessible(page)
