"""What a platform can place: the whole course, one module, or one quiz — named by a short
key carried in the launch's custom claim (`resource=quiz:<slug>`)."""
from dataclasses import dataclass

from django.urls import reverse

from elearning.models import Module
from quizzes.models import Quiz

COURSE = "cours"


@dataclass
class Resource:
    key: str
    title: str
    url: str
    kind: str  # "cours", "module" or "quiz"


def catalogue() -> list[Resource]:
    """Everything a teacher may place in their platform course, in the course's order."""
    items = [Resource(COURSE, "Le parcours Repères en entier", reverse("course_overview"), COURSE)]
    for module in Module.objects.published().select_related("course").order_by("order"):
        items.append(Resource(f"module:{module.slug}", f"Module : {module.title}", _module_url(module), "module"))
    for quiz in Quiz.objects.published().exclude(kind__in=[Quiz.Kind.SELF_BEFORE, Quiz.Kind.SELF_AFTER]).order_by("order", "title"):
        items.append(Resource(f"quiz:{quiz.slug}", f"Quiz : {quiz.title}", quiz.get_absolute_url(), "quiz"))
    return items


def _module_url(module: Module) -> str:
    lesson = module.lessons.published().order_by("order").first()
    return lesson.get_absolute_url() if lesson else reverse("course_overview")


def resolve(key: str | None) -> Resource | None:
    """The resource for a key, or None when it does not exist (any more) or is unpublished."""
    key = (key or COURSE).strip()
    if key == COURSE:
        return Resource(COURSE, "Le parcours Repères en entier", reverse("course_overview"), COURSE)
    kind, _, slug = key.partition(":")
    if kind == "module":
        module = Module.objects.published().filter(slug=slug).first()
        return Resource(key, module.title, _module_url(module), "module") if module else None
    if kind == "quiz":
        quiz = Quiz.objects.published().filter(slug=slug).first()
        return Resource(key, quiz.title, quiz.get_absolute_url(), "quiz") if quiz else None
    return None
