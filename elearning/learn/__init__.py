"""The learner's pages: home, course, lessons, quiz pages, dashboard, account, directory."""
