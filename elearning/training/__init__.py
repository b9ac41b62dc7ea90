"""The trainer's pages: cohorts, reports, CSV exports, and the `bench` command.

A Django app (label `training`) only so that Django finds its management command; it has no
models and its templates stay under the project's `templates/`.
"""
