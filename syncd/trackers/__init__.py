"""Tracker adapters: the only code that imports PyGithub, python-gitlab or jira."""
