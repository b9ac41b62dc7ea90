"""A small fictional writing exercise (« rédaction ») for tests, built through the models."""
from quizzes.models import Quiz, WritingQuestion

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

POOR_IP = ("Bonjour, je pense qu'elle ment et qu'elle provoque les garçons. Elle se prostitue sans doute le "
           "week-end, elle est dépressive. Kevin est son proxénète. Il faut faire quelque chose vite pour elle, "
           "merci de me rappeler au 06 12 34 56 78.")


def build_writing_quiz(module, slug="redaction", *, order=20, pass_mark=0.7):
    """A practice quiz with one writing question: an IP to the CRIP (all people fictional)."""
    quiz = Quiz.objects.create(slug=slug, title="Rédiger une IP", kind=Quiz.Kind.SCENARIO, module=module,
                               pass_mark=pass_mark, order=order)
    WritingQuestion.objects.create(
        quiz=quiz, slug=f"{slug}-ip", title="Lina, 14 ans : une IP", order=1, skill="decider",
        prompt="Toutes les personnes sont fictives.",
        task="ip", recipient="CRIP de l'Essonne (91)", departement="91", setting="collège",
        writer_role="Claire Fontaine, CPE au collège Les Tilleuls (Évry)",
        case_file="Lina B., 14 ans, élève de 3e, vit chez sa mère. Le 12/03 : téléphone neuf. Le 14 mars 2026, "
                  "entretien : « un garçon de 20 ans me paie mes trucs, je lui dois des services ».",
        key_facts="La date de l'entretien (14 mars) | 14 mars ; 14/03 | La date situe la révélation.",
        key_quotes="je lui dois des services",
        model_answer=MODEL_IP,
        model_comments="Les faits sont datés.\nSes mots sont entre guillemets.",
        self_check="Ai-je daté chaque fait ?\nAi-je recopié ses mots exacts ?",
    )
    return quiz


def answer_writing(user, quiz, text=MODEL_IP):
    """Send a text through the real write path (quizzes.attempts.submit)."""
    import uuid

    from quizzes.attempts import load_quiz, submit

    content = load_quiz(quiz)
    chosen = {q.id: text if isinstance(q, WritingQuestion) else {o.id for o in content.options[q.id] if o.is_correct}
              for q in content.questions}
    return submit(user=user, content=content, chosen=chosen, submission_key=uuid.uuid4())
