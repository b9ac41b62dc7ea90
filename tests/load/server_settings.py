"""The production settings, for the gunicorn servers that the load and fault runs start on
127.0.0.1, with three knobs those runs need and production leaves alone:

- REPERES_STATIC_ROOT: where `collectstatic` writes (a temporary folder, not the project's);
- REPERES_SQLITE_TIMEOUT_S: SQLite's busy timeout, in seconds (the driver's `timeout`; a
  `PRAGMA busy_timeout` in `init_command`, if one is ever added back, is rewritten too);
- REPERES_PG_LOCK_TIMEOUT_MS: PostgreSQL's `lock_timeout` for the server's sessions.
"""
import os
import re
from pathlib import Path

from elearning.settings import *  # noqa: F403
from elearning.settings import DATABASES, STATIC_ROOT

STATIC_ROOT = Path(os.environ.get("REPERES_STATIC_ROOT") or STATIC_ROOT)

_default = DATABASES["default"]
if os.environ.get("REPERES_SQLITE_TIMEOUT_S") and _default["ENGINE"].endswith("sqlite3"):
    seconds = float(os.environ["REPERES_SQLITE_TIMEOUT_S"])
    options = _default["OPTIONS"]
    options["timeout"] = seconds
    options["init_command"] = re.sub(r"PRAGMA busy_timeout=\d+;", f"PRAGMA busy_timeout={int(seconds * 1000)};",
                                     options["init_command"])
if os.environ.get("REPERES_PG_LOCK_TIMEOUT_MS") and "postgresql" in _default["ENGINE"]:
    _default.setdefault("OPTIONS", {})["options"] = f"-c lock_timeout={int(os.environ['REPERES_PG_LOCK_TIMEOUT_MS'])}"
