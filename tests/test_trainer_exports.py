"""CSV exports that open cleanly in French Excel and cannot smuggle a formula."""
import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.utils import timezone

from elearning.csv_export import escape_cell
from tests.conftest import (
    answer_quiz,
    build_course,
    build_scenario_quiz,
    enrol,
    make_cohort,
    make_org,
    make_trainer,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    course, modules, _ = build_course()
    scenario = build_scenario_quiz(modules[-1])
    org = make_org()
    cohort = make_cohort(org)
    client = Client()
    client.force_login(make_trainer(org))
    return client, cohort, scenario


def download(response) -> bytes:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def test_learner_export_is_excel_ready_utf8_with_bom_and_semicolons(setup):
    """Excel shows « Chloé » and the columns split correctly, without an import wizard."""
    client, cohort, scenario = setup
    learner = make_user(first_name="Chloé", last_name="Lefèvre", profession="infirmier", departement="93")
    enrol(learner, cohort)
    answer_quiz(learner, scenario)
    response = client.get(f"/formation/groupes/{cohort.pk}/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="groupe-1-apprenants-{today}.csv"'
    assert "no-store" in response["Cache-Control"]
    raw = download(response)
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").split("\r\n")
    header = lines[0].split(";")
    assert header[:3] == ["Nom", "Prénom", "E-mail"] and "Scénarios (%)" in header
    row = dict(zip(header, lines[1].split(";"), strict=True))
    assert row["Nom"] == "Lefèvre" and row["Prénom"] == "Chloé"
    assert row["Profession"] == "Infirmier·e scolaire" and row["Département"] == "93"
    assert row["Scénarios (%)"] == "100" and row["Attestation"] == "non"
    assert lines[2] == "" and len(lines) == 3


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\";\"clic\")", "+33612345678", "-2+3", "@SUM(A1)"])
def test_cells_that_look_like_formulas_are_neutralised(setup, name):
    """A learner cannot turn the trainer's spreadsheet into a formula (CSV injection)."""
    client, cohort, _ = setup
    enrol(make_user(first_name=name, last_name="Test"), cohort)
    text = download(client.get(f"/formation/groupes/{cohort.pk}/export.csv")).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert row[header.index("Prénom")] == "'" + name


def test_escape_cell_leaves_ordinary_values_alone():
    assert escape_cell("Chloé") == "Chloé"
    assert escape_cell("=1+1") == "'=1+1"
    assert escape_cell("\tcaché") == "'\tcaché"
    assert escape_cell(-5) == "-5" and escape_cell(0.5) == "0,5"
    assert escape_cell(None) == "" and escape_cell(True) == "oui"


def test_learner_export_follows_the_filters_and_sort_of_the_page(setup):
    client, cohort, _ = setup
    for first, profession in [("Anne", "cpe"), ("Bilal", "enseignant"), ("Chloé", "cpe")]:
        enrol(make_user(f"{first.lower()}@example.test", first_name=first, last_name=first,
                        profession=profession), cohort)
    text = download(client.get(f"/formation/groupes/{cohort.pk}/export.csv?profession=cpe&tri=-nom"))
    names = [line.split(";")[1] for line in text.decode("utf-8-sig").split("\r\n")[1:] if line]
    assert names == ["Chloé", "Anne"]


def test_item_export_has_one_row_per_question(setup):
    client, cohort, scenario = setup
    learner = make_user()
    enrol(learner, cohort)
    answer_quiz(learner, scenario, {"scenario-dec": ["a"]})
    response = client.get(f"/formation/groupes/{cohort.pk}/questions.csv")
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="groupe-1-questions-{today}.csv"'
    raw = download(response)
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = [line.split(";") for line in raw.decode("utf-8-sig").split("\r\n") if line]
    assert lines[0][:3] == ["Quiz", "Question", "Type"]
    by_title = {line[1]: line for line in lines[1:]}
    assert set(by_title) == {"Inès", "Yanis", "Léa", "Articles"}
    assert by_title["Yanis"][2] == "IP ou signalement ?"
    assert by_title["Yanis"][5] == "0" and by_title["Yanis"][7] == "IP" and by_title["Yanis"][8] == "100"
    assert by_title["Inès"][5] == "100" and by_title["Inès"][7] == ""
