"""`digests:` in syncd.yaml: channels keyed by their kind, every problem at once with its line,
secrets never echoed."""

from __future__ import annotations

import pytest

from syncd.channels.base import channel_id
from syncd.config.load import parse_config
from syncd.errors import ConfigError

GOOD = """\
timezone: Europe/Berlin
trackers:
  gh: {kind: github, repo: acme/ops, token: x}
owners:
  "@priya": {email: priya@acme.example}
digests:
  weekly:
    schedule: "0 9 * * MON"
    filter: {teams: [payments], services: checkout, owners: ["@priya"], trackers: [gh]}
    per_owner: true
    channels:
      - email: {to: [sre@acme.example], from: syncd@acme.example, host: smtp.acme.example,
                port: 587, security: starttls, username: syncd, password: "${SMTP_PASSWORD}"}
      - slack: {webhook_url: "${SLACK_WEBHOOK_URL}"}
      - file: {path: "digests/{date}.md", format: markdown}
      - tracker_issue: {tracker: gh}
"""
ENV = {"SMTP_PASSWORD": "pw", "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T/B/SECRET"}


def problems(text: str, env: dict[str, str] | None = None) -> tuple[str, ...]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, name="syncd.yaml", env=env or ENV)
    return caught.value.problems


def test_the_issue_example_validates() -> None:
    config = parse_config(GOOD, name="syncd.yaml", env=ENV)
    weekly = config.digests["weekly"]
    assert [c.kind for c in weekly.channels] == ["email", "slack", "file", "tracker_issue"]
    assert weekly.filter.services == ("checkout",)  # a lone value is a list of one
    assert weekly.email is not None and weekly.email.port_or_default == 587
    assert weekly.grace_seconds == 86_400
    assert "SECRET" not in repr(weekly)  # webhook URLs and passwords are SecretStr
    ids = [channel_id(c) for c in weekly.channels]
    assert len(set(ids)) == 4 and all("SECRET" not in i for i in ids)


def test_every_channel_problem_is_reported_at_once_with_its_line() -> None:
    text = """\
trackers:
  gh: {kind: github, repo: a/b, token: x}
digests:
  weekly:
    filter: {trackers: [gh, gl]}
    channels:
      - emial: {to: [a@b.example]}
      - slack: {webhook_url: "http://hooks.slack.com/services/T/B/SECRET"}
      - {file: {path: x}, slack: {webhook_url: "https://a.example"}}
      - tracker_issue: {tracker: nope}
      - teams: {webhook_url: "https://acme.webhook.office.com/webhookb2/x"}
      - file: {path: "digests/{week}.md"}
      - {}
"""
    assert problems(text) == (
        "syncd.yaml:5 digests.weekly.filter.trackers: names tracker `gl`, which is not "
        "configured (configured: gh)",
        "syncd.yaml:7 digests.weekly.channels[0]: unknown key `emial` (did you mean `email`?)",
        "syncd.yaml:8 digests.weekly.channels[1].slack.webhook_url: the webhook URL must use "
        "https:// (plain http only to a loopback address)",
        "syncd.yaml:9 digests.weekly.channels[2]: one kind per list entry, got slack and file; "
        "write each as its own `- kind: {…}` entry",
        "syncd.yaml:10 digests.weekly.channels[3].tracker_issue.tracker: names tracker `nope`, "
        "which is not configured (configured: gh)",
        "syncd.yaml:11 digests.weekly.channels[4].teams.webhook_url: Office 365 connector "
        "webhooks are retired; create a Teams Workflow with the trigger 'When a Teams webhook "
        "request is received' and use its URL",
        "syncd.yaml:12 digests.weekly.channels[5].file.path: unknown field 'week' in the path; "
        "fields: {date} {digest} {period}",
        "syncd.yaml:13 digests.weekly.channels[6]: name the channel's kind as its one key "
        "(email, slack, teams, webhook, file, tracker_issue)",
    )


def test_secret_values_are_never_echoed_in_problems() -> None:
    text = "digests:\n  w:\n    channels:\n      - slack: {webhook_url: 12345}\n"
    (problem,) = problems(text)
    assert "12345" not in problem


def test_per_owner_needs_an_email_channel() -> None:
    text = "digests:\n  w:\n    per_owner: true\n    channels:\n      - file: {path: x.md}\n"
    (problem,) = problems(text)
    assert problem.startswith("syncd.yaml:2 digests.w: `per_owner: true` needs an `- email")


def test_the_old_digest_placeholder_points_to_digests() -> None:
    (problem,) = problems("digest:\n  enabled: true\n")
    assert problem == "syncd.yaml:1 unknown key `digest` (did you mean `digests`?)"
