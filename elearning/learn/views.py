"""Public pages, lessons, the directory and the learner's account. Views stay thin:
check access, call a domain function, render."""
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from elearning import accounts, glossary, throttle
from elearning.access import is_trainer
from elearning.learn.forms import (
    DirectoryFilterForm,
    EmailAuthenticationForm,
    JoinCodeForm,
    ProfileForm,
    SignupForm,
    cohort_for_code,
)
from elearning.models import IDF_DEPARTEMENTS, Contact, Departement, Lesson, Status
from elearning.progress.certificates import reissue_under_account_name
from elearning.progress.completion import course_progress, course_structure, lesson_context, mark_lesson_done
from elearning.resume import login_required_keeping_post


def home(request):
    # The shared course structure (kept by the process): the time estimate is the dashboard's.
    structure = course_structure()
    return render(request, "elearning/home.html", {"course_minutes": structure.minutes_total if structure.course else None})


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
        accounts.acknowledge_content_notice(user=request.user)
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


@login_required_keeping_post(lambda module_slug, lesson_slug: reverse("lesson", args=[module_slug, lesson_slug]))
def lesson_complete(request, module_slug, lesson_slug):
    """POST: the lesson is done. A GET (reloaded address, session expired) goes to the lesson."""
    if request.method != "POST":
        return redirect("lesson", module_slug=module_slug, lesson_slug=lesson_slug)
    # Only a lesson learners can read: published, in a published module.
    lesson = get_object_or_404(Lesson.objects.published().filter(module__status=Status.PUBLISHED),
                               slug=lesson_slug, module__slug=module_slug)
    mark_lesson_done(user=request.user, lesson=lesson)
    messages.success(request, "Leçon enregistrée comme terminée.")
    quiz = lesson.quizzes.filter(status="published").first()
    if quiz:
        return redirect(quiz.get_absolute_url())
    return redirect(lesson.get_absolute_url())


class LoginView(auth_views.LoginView):
    """Log in with the e-mail address; without a « next » page, a trainer lands on « Mes
    groupes », a learner on their course."""

    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        if is_trainer(self.request.user):
            return reverse("trainer_cohorts")
        return super().get_default_redirect_url()


def directory(request):
    """« Qui contacter ? » — public: anyone may need a number now."""
    contacts = Contact.objects.all()
    params = request.GET.copy()
    # No choice yet: a signed-in professional sees their own département first.
    if "departement" not in params and request.user.is_authenticated and request.user.departement in IDF_DEPARTEMENTS:
        params["departement"] = request.user.departement
    departement, kind, role, notice = DirectoryFilterForm(params).filters()
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
    """The same answer for a new address and a known one: "check your e-mail". A new address
    gets its activation link; the owner of a known address is told by e-mail instead."""
    if request.user.is_authenticated and code:
        return redirect("join", code=code)
    initial = {"join_code": code} if code else {}
    if request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if not throttle.allow(limit=throttle.SIGNUP, request=request, email=data["email"]):
                form.add_error(None, TOO_MANY_REQUESTS)
                return render(request, "registration/signup.html", {"form": form}, status=429)
            outcome = accounts.request_sign_up(
                cohort=form.cohort, email=data["email"], password=data["password1"],
                first_name=data["first_name"], last_name=data["last_name"],
                profession=data["profession"], departement=data["departement"],
            )
            send_signup_email(request, outcome=outcome, cohort=form.cohort)
            return redirect("signup_sent")
    else:
        form = SignupForm(initial=initial)
    return render(request, "registration/signup.html", {"form": form})


TOO_MANY_REQUESTS = ("Trop de demandes pour cette adresse ou depuis ce réseau. Réessayez dans une heure ; "
                     "en cas de besoin, votre formatrice ou formateur peut vous aider.")


def send_signup_email(request, *, outcome: accounts.SignupRequest, cohort) -> None:
    user = outcome.user
    context = {"cohort": cohort, "site": request.build_absolute_uri("/").rstrip("/"),
               "days": accounts.ACTIVATION_DAYS}
    if outcome.created or outcome.awaiting_activation:
        token = accounts.activation_token(user=user, cohort=cohort)
        context["activation_url"] = request.build_absolute_uri(reverse("activate", args=[token]))
        template = "registration/activation_email"
    else:
        context["join_url"] = request.build_absolute_uri(cohort.get_join_url())
        template = "registration/signup_known_address_email"
    send_mail(
        render_to_string(f"{template}_subject.txt", context).strip(),
        render_to_string(f"{template}.txt", context),
        None, [user.email],
    )


def signup_sent(request):
    return render(request, "registration/signup_sent.html", {"days": accounts.ACTIVATION_DAYS})


def activate(request, token):
    """GET shows a button, POST activates: an e-mail scanner that opens the link activates
    nothing and signs no one in."""
    found = accounts.read_activation_token(token)
    if found is None:
        return render(request, "registration/activate.html", {"invalid": True}, status=400)
    user, cohort = found
    if request.method == "POST":
        accounts.activate(user=user, cohort=cohort)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Bienvenue ! Vous avez rejoint le groupe « {cohort.name} ».")
        return redirect("dashboard")
    return render(request, "registration/activate.html", {"cohort": cohort})


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Password reset, limited per address and per IP like the login: a script cannot fill
    someone's mailbox (or our sending quota) with reset links."""

    def form_valid(self, form):
        if not throttle.allow(limit=throttle.PASSWORD_RESET, request=self.request, email=form.cleaned_data["email"]):
            form.add_error(None, TOO_MANY_REQUESTS)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


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
            with transaction.atomic():
                form.save()
                reissued = reissue_under_account_name(user=request.user)
            messages.success(request, "Profil enregistré." + (
                " Votre attestation a été réémise à ce nom, avec le même code de vérification." if reissued else ""))
            return redirect("account")
    else:
        form = ProfileForm(instance=request.user)
    enrolments = request.user.enrolments.select_related("cohort__organisation")
    return render(request, "elearning/account.html", {"form": form, "enrolments": enrolments})


class LogoutView(auth_views.LogoutView):
    """Signing out is a POST (a link or an image could otherwise sign anyone out); a GET on
    the address (reloaded, bookmarked) goes to the home page instead of a blank 405 page."""

    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        return redirect("home")


def glossary_page(request):
    """« Glossaire » — public, like the directory: the abbreviations the lessons use."""
    return render(request, "pages/glossaire.html", {"terms": glossary.TERMS})


def static_page(request, template):
    return render(request, f"pages/{template}.html")

