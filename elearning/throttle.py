"""Rate limits for the actions that send an e-mail or create an account (sign-up, password
reset), per address and per IP address, like the login lockout. The counts live in the
database (`RateLimit`): several app servers share them, and a restart forgets nothing.

Fixed windows: every request counts, refused or not, so hammering never shortens the wait."""
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from elearning.models import RateLimit

# Rows older than this are deleted when a new window starts.
KEEP_FOR = timedelta(days=1)


@dataclass(frozen=True)
class Limit:
    scope: str
    per_address: int
    per_ip: int
    window: timedelta


# A person asks again after a typo or a lost e-mail; a script asks hundreds of times. The IP
# limits leave room for a whole class behind one school's address.
SIGNUP = Limit("signup", per_address=5, per_ip=30, window=timedelta(hours=1))
PASSWORD_RESET = Limit("password_reset", per_address=3, per_ip=30, window=timedelta(hours=1))
LIMITS = (SIGNUP, PASSWORD_RESET)


def fingerprint(scope: str, kind: str, value: str) -> str:
    message = f"{scope}:{kind}:{value.strip().lower()}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _window_start(window: timedelta):
    seconds = int(window.total_seconds())
    now = int(timezone.now().timestamp())
    return datetime.fromtimestamp(now - now % seconds, tz=UTC)


def _count(*, scope: str, key: str, start) -> int:
    """Add one to the window's count and return it, whoever else is counting at once."""
    rows = RateLimit.objects.filter(scope=scope, key=key, window_start=start)
    with transaction.atomic():
        if not rows.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateLimit.objects.create(scope=scope, key=key, window_start=start, count=1)
                RateLimit.objects.filter(window_start__lt=timezone.now() - KEEP_FOR).delete()
                return 1
            except IntegrityError:  # another server created it first
                rows.update(count=F("count") + 1)
        return rows.values_list("count", flat=True).get()


def allow(*, limit: Limit, request, email: str) -> bool:
    """Count this request for the address and for the client's IP; False when either is over
    its limit for the current window."""
    start = _window_start(limit.window)
    by_address = _count(scope=limit.scope, key=fingerprint(limit.scope, "email", email), start=start)
    ip = get_client_ip_address(request) or ""
    by_ip = _count(scope=limit.scope, key=fingerprint(limit.scope, "ip", ip), start=start)
    return by_address <= limit.per_address and by_ip <= limit.per_ip


def forget_address(*, email: str) -> None:
    """Delete the counts kept for an address (account deletion)."""
    RateLimit.objects.filter(key__in=[fingerprint(limit.scope, "email", email) for limit in LIMITS]).delete()
