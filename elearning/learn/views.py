"""Public pages, lessons, the directory and the learner's account. Views stay thin:
check access, call a domain function, render."""
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from elearning import accounts
from elearning.learn.forms import JoinCodeForm, ProfileForm, SignupForm, cohort_for_code
from elearning.models import IDF_DEPARTEMENTS, Contact, Departement, Lesson
from elearning.progress.completion import course_progress, course_structure, lesson_context, mark_lesson_done


def home(request):
    return render(request, "elearning/home.html")


def course_overview(request):
    # The shared course structure already holds the published modules and lessons; the
    # learner's progress is computed from the same copy.
    structure = course_structure()
    modules = [
        {"module": module, "lessons": [lesson for lesson in structure.lessons if lesson.module_id == module.id]}
        for module in structure.modules
    ]
    progress = (
        course_progress(request.user, structure=structure)
        if request.user.is_authenticated and structure.course else None
    )
    return render(request, "elearning/course_overview.html", {
        "course": structure.course, "modules": modules, "progress": progress,
    })


def _safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@login_required
def content_notice(request):
    """The one-time notice before the first lesson: the subject is distressing."""
    if request.method == "POST":
        if request.user.content_notice_seen_at is None:
            request.user.content_notice_seen_at = timezone.now()
            request.user.save(update_fields=["content_notice_seen_at"])
        return redirect(_safe_next(request, "course_overview"))
    return render(request, "elearning/content_notice.html", {"next": _safe_next(request, "")})


@login_required
def lesson_detail(request, module_slug, lesson_slug):
    # The lesson comes from the shared course structure (published lessons of published
    # modules only): the page costs only the learner's own rows.
    structure = course_structure()
    lesson = structure.lesson(module_slug, lesson_slug)
    if lesson is None:
        raise Http404("Leçon introuvable")
    if request.user.content_notice_seen_at is None:
        return redirect(f"{reverse('content_notice')}?{urlencode({'next': lesson.get_absolute_url()})}")
    progress = course_progress(request.user, structure=structure)
    module_progress = next(m for m in progress.modules if m.module.id == lesson.module_id)
    done = any(s.done for s in module_progress.lessons if s.lesson.id == lesson.id)
    lesson_quiz = next((q.quiz for q in module_progress.quizzes if q.quiz.lesson_id == lesson.id), None)
    sequence = [s.lesson for m in progress.modules for s in m.lessons]
    return render(request, "elearning/lesson_detail.html", lesson_context(
        lesson=lesson, sequence=sequence, module_progress=module_progress, progress=progress,
        done=done, lesson_quiz=lesson_quiz,
    ))


@login_required
@require_POST
def lesson_complete(request, module_slug, lesson_slug):
    lesson = get_object_or_404(Lesson.objects.published(), slug=lesson_slug, module__slug=module_slug)
    mark_lesson_done(user=request.user, lesson=lesson)
    messages.success(request, "Leçon enregistrée comme terminée.")
    quiz = lesson.quizzes.filter(status="published").first()
    if quiz:
        return redirect(quiz.get_absolute_url())
    return redirect(lesson.get_absolute_url())


def directory(request):
    """« Qui contacter ? » — public: anyone may need a number now."""
    contacts = Contact.objects.all()
    departement = request.GET.get("departement")
    if departement is None and request.user.is_authenticated and request.user.departement in IDF_DEPARTEMENTS:
        departement = request.user.departement
    kind = request.GET.get("type", "")
    role = request.GET.get("role", "")
    notice = ""
    if departement and departement not in IDF_DEPARTEMENTS:
        notice = "Ce département n'est pas dans l'annuaire (Île-de-France : 75, 77, 78, 91, 92, 93, 94, 95) : voici la liste complète."
        departement = ""
    if kind and kind not in Contact.Kind.values:
        notice = notice or "Ce type de contact n'existe pas : voici la liste complète."
        kind = ""
    if role and role not in Contact.ROLE_LABELS:
        notice = notice or "Ce rôle n'existe pas : voici la liste complète."
        role = ""
    local = contacts.exclude(departement="")
    if departement:
        local = local.filter(departement=departement)
    if kind:
        local = local.filter(kind=kind)
    if role:
        local = local.filter(roles__contains=role)
    national = contacts.filter(departement="")
    labels = dict(Departement.choices)
    groups = {}
    for contact in local:
        groups.setdefault(contact.departement, []).append(contact)
    return render(request, "elearning/directory.html", {
        "national": national,
        "groups": [(code, labels.get(code, code), groups[code]) for code in IDF_DEPARTEMENTS if code in groups],
        "departement": departement or "",
        "kind": kind,
        "role": role,
        "notice": notice,
        "departements": [(c, labels[c]) for c in IDF_DEPARTEMENTS],
        "kinds": [(k, v) for k, v in Contact.Kind.choices if k != Contact.Kind.NATIONAL],
        "roles": list(Contact.ROLE_LABELS.items()),
    })


def signup(request, code=""):
    if request.user.is_authenticated and code:
        return redirect("join", code=code)
    initial = {"join_code": code} if code else {}
    if request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            user = accounts.sign_up(
                cohort=form.cohort, email=data["email"], password=data["password1"],
                first_name=data["first_name"], last_name=data["last_name"],
                profession=data["profession"], departement=data["departement"],
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Bienvenue ! Vous avez rejoint le groupe « {form.cohort.name} ».")
            return redirect("dashboard")
    else:
        form = SignupForm(initial=initial)
    return render(request, "registration/signup.html", {"form": form})


def join(request, code):
    """The join link: a visitor signs up; a signed-in learner confirms joining."""
    cohort = cohort_for_code(code.upper())
    if not request.user.is_authenticated:
        if cohort is None:
            messages.error(request, "Ce lien d'inscription n'est plus valable : demandez un nouveau code à votre formatrice ou formateur.")
            return redirect("signup")
        return redirect("signup_with_code", code=cohort.join_code)
    if request.method == "POST":
        form = JoinCodeForm({"join_code": code})
        if form.is_valid():
            accounts.join_cohort(user=request.user, cohort=form.cohort)
            messages.success(request, f"Vous avez rejoint le groupe « {form.cohort.name} ».")
            return redirect("dashboard")
    if cohort is None:
        return render(request, "registration/join.html", {"invalid": True}, status=404)
    return render(request, "registration/join.html", {"cohort": cohort})


@login_required
def account(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, "Profil enregistré.")
            return redirect("account")
    else:
        form = ProfileForm(instance=request.user)
    enrolments = request.user.enrolments.select_related("cohort__organisation")
    return render(request, "elearning/account.html", {"form": form, "enrolments": enrolments})


def static_page(request, template):
    return render(request, f"pages/{template}.html")


def not_found(request):
    raise Http404
