"""Progress: completion (the one rule), self-assessment, certificates.

Layer: above `quizzes` and the core data, below the pages (learn, training, preview).
"""
