"""Where a digest goes: email, Slack, Teams, a generic webhook, a file, a tracker issue.
The only code that sends (DESIGN §10)."""
