"""The editors' previews of lessons, questions and quizzes, under /apercu/."""
