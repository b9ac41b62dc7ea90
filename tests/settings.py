"""The test suite's settings (pytest.ini): the production settings, DEBUG off, in their
TESTING mode, said here rather than guessed from the modules Python has loaded."""
import os

# Read when elearning.settings is imported, just below: a throw-away key, no HTTPS redirect.
os.environ.setdefault("TESTING", "1")

from elearning.settings import *  # noqa: E402, F403

# Every test builds its own content: no per-process copy of the course structure.
COURSE_STRUCTURE_CACHE_SECONDS = 0
# Progress rows recounted at once after a content edit (no background thread, no commit).
PROGRESS_REFRESH_INLINE = True
