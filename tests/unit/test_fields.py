"""An item's text → its fields, for every item shape in record-formats.md §3, §4 and §7."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syncd.model import Status, TicketRef
from syncd.records.parse.fields import Fields, extract, parse_marker
from syncd.records.parse.owners import parse_owner, parse_type
from syncd.records.parse.tickets import find_tickets

REVIEW = date(2026, 5, 20)
GH = "https://git.example.org"


@dataclass(frozen=True)
class Case:
    text: str
    description: str
    checkbox: bool | None = None
    expect: dict[str, Any] = field(default_factory=dict)
    date_order: str | None = None


EMPTY: dict[str, Any] = {
    "owner": None,
    "owners": (),
    "due": None,
    "due_raw": None,
    "type": None,
    "marker": None,
    "reason": None,
    "suppressed": frozenset(),
}

CASES = {
    # --- the recommended format (DESIGN §3)
    "recommended": Case(
        "Alert when checkout 5xx rate stays above 3% for 5 minutes — owner: @priya — "
        "due: 2026-06-04 — type: prevent",
        "Alert when checkout 5xx rate stays above 3% for 5 minutes",
        False,
        {
            "owner": "@priya",
            "owners": ("@priya",),
            "due": date(2026, 6, 4),
            "due_raw": "2026-06-04",
            "type": "prevent",
            "marker": Status.OPEN,
        },
    ),
    # --- P1 plain bullets, lazy continuation
    "p1": Case(
        "Pin the base image version in the build pipeline",
        "Pin the base image version in the build pipeline",
    ),
    "p1_wrapped": Case(
        "Add an alert when the ingest queue lag\nexceeds 10 minutes",
        "Add an alert when the ingest queue lag exceeds 10 minutes",
    ),
    # --- P2 bold title
    "p2_colon_outside": Case(
        "**Split the cache tier**: give session data its own cluster so a cache flush no longer\n"
        "  logs everyone out.",
        "Split the cache tier: give session data its own cluster so a cache flush no longer logs "
        "everyone out.",
    ),
    "p2_colon_inside": Case(
        "**Split the cache tier:** give session data its own cluster",
        "Split the cache tier: give session data its own cluster",
    ),
    "p2_dash": Case(
        "**Canary stage for config pushes** - apply new config to one region first and wait 30 "
        "minutes.",
        "Canary stage for config pushes - apply new config to one region first and wait 30 minutes.",
    ),
    # --- P3 checkboxes
    "p3_done_commit": Case(
        "Reject uploads with non-standard characters (https://example.org/acme/ingest/commit/4f2a9c1)",
        "Reject uploads with non-standard characters",
        True,
        {"marker": Status.DONE},
    ),
    "p3_open": Case(
        "Add a unit test that creates an empty record before calling update",
        "Add a unit test that creates an empty record before calling update",
        False,
        {"marker": Status.OPEN},
    ),
    "p3_malformed_box_left_in_text": Case(
        "[] Schedule the follow-up review",
        "Schedule the follow-up review",
        None,
        {"marker": Status.OPEN},
    ),
    "p3_ticked_box_left_in_text": Case(
        "[X] Disable the worker pool until the fix ships",
        "Disable the worker pool until the fix ships",
        None,
        {"marker": Status.DONE},
    ),
    # --- P4 ordered list text is the same as a bullet's
    "p4": Case(
        "Block the release job when smoke tests fail.",
        "Block the release job when smoke tests fail.",
    ),
    # --- P5 ticket-first
    "p5_link_first": Case(
        "[OPS-481](https://tracker.example.org/c/x1) - Post vendor release notes into the team channel",
        "Post vendor release notes into the team channel",
    ),
    "p5_link_only": Case("[OPS-483](https://tracker.example.org/c/x3)", ""),
    "p5_dashless_key_first": Case(
        "[KM512](https://tracker.example.org/c/x4) - Agree a cadence for add-on upgrades",
        "Agree a cadence for add-on upgrades",
    ),
    "p5_bare_url_first": Case(
        f"{GH}/acme/infra/issues/1038 - Find out why the index table was dropped",
        "Find out why the index table was dropped",
    ),
    "p5_bug_first": Case("bug 1700123 - Reindex the archive", "Reindex the archive"),
    # --- P6 trailing tickets
    "p6_generic_label": Case(
        "Alert when nightly snapshots fail - [jira](https://acme.atlassian.net/browse/PLAT-311)",
        "Alert when nightly snapshots fail",
    ),
    "p6_autolink": Case(
        f"Write down how to get read access to the cluster <{GH}/acme/infra/issues/87>",
        "Write down how to get read access to the cluster",
    ),
    "p6_paren_number": Case(
        "Give batch jobs their own node pool (#2131)", "Give batch jobs their own node pool"
    ),
    "p6_pr_label": Case(
        f"Add retries with backoff to the export client. [PR]({GH}/acme/api/pull/2430)",
        "Add retries with backoff to the export client.",
    ),
    "p6_double_bracket": Case(
        f"Drop client-library errors from the error feed by default. [[PR]({GH}/acme/sdk/pull/2431)]",
        "Drop client-library errors from the error feed by default.",
    ),
    "p6_done_in_pr": Case(
        f"Page on-call when the synthetic check fails twice. DONE in [PR #812]({GH}/acme/env/pull/812)",
        "Page on-call when the synthetic check fails twice.",
        None,
        {"marker": Status.DONE},
    ),
    "p6_inline_link_kept_as_label": Case(
        f"Created a [ticket]({GH}/acme/platform/issues/3090) to move the cron jobs to the scheduler",
        "Created a ticket to move the cron jobs to the scheduler",
    ),
    "p6_ticket_word": Case(
        f"Watch the TLS expiry of the admin endpoint. Ticket [#3051]({GH}/acme/platform/issues/3051)",
        "Watch the TLS expiry of the admin endpoint.",
    ),
    "p6_link_on_continuation_line": Case(
        f"Raise the file-descriptor limit on the\nbuild agents [issue]({GH}/acme/ci/issues/44)",
        "Raise the file-descriptor limit on the build agents",
    ),
    "p6_descriptive_trailing_link_kept": Case(
        "Follow [the runbook](https://docs.example.org/runbook) when the disk fills",
        "Follow the runbook when the disk fills",
    ),
    "p6_trailing_descriptive_link_kept": Case(
        "Read [the disk runbook](https://docs.example.org/runbook)", "Read the disk runbook"
    ),
    "p6_key_after_separator": Case("Rotate the signing key — OPS-77", "Rotate the signing key"),
    # --- P7 bare references
    "p7_number": Case("#2127", ""),
    "p7_repo": Case("acme/infra#2209", ""),
    # --- P8 leading owners
    "p8_bracket": Case(
        "[maria] Add a config validator to the scheduler",
        "Add a config validator to the scheduler",
        None,
        {"owner": "maria", "owners": ("maria",)},
    ),
    "p8_uncertain": Case(
        "[dev?] Explain which image family each worker pool uses",
        "Explain which image family each worker pool uses",
        None,
        {"owner": "dev?", "owners": ("dev?",)},
    ),
    "p8_paren_teams": Case(
        "(platform, data teams) Write the failover runbook in H2",
        "Write the failover runbook in H2",
        False,
        {"owner": "platform", "owners": ("platform", "data teams"), "marker": Status.OPEN},
    ),
    "p8_paren_one": Case(
        "(jon) Hold a monthly reliability review from Q3",
        "Hold a monthly reliability review from Q3",
        False,
        {"owner": "jon", "owners": ("jon",), "marker": Status.OPEN},
    ),
    "p8_done_bracket_is_status": Case(
        "[DONE] Raise the volume quota in the second region",
        "Raise the volume quota in the second region",
        None,
        {"marker": Status.DONE},
    ),
    "p8_lower_done_bracket_is_status": Case(
        "[done] Raise the volume quota", "Raise the volume quota", None, {"marker": Status.DONE}
    ),
    "p8_double_bracket_is_a_link": Case(
        "[[Proposal](https://docs.example.org/p/7)] Write the storage proposal",
        "Write the storage proposal",
    ),
    "p8_effort_is_not_owner": Case("[20m] Tidy the dashboards", "[20m] Tidy the dashboards"),
    # --- P9 trailing labels and prefixes
    "p9_owner_label": Case(
        "**Schema drift check**: compare the staging and prod schemas nightly. Owner: @dana",
        "Schema drift check: compare the staging and prod schemas nightly.",
        None,
        {"owner": "@dana", "owners": ("@dana",)},
    ),
    "p9_parenthetical_prose_is_not_owner": Case(
        "Decide whether the queue moves to a managed service (Lee to book a session)",
        "Decide whether the queue moves to a managed service (Lee to book a session)",
    ),
    "p9_team_prefix": Case(
        "Network team: check the firewall change process during weekend freezes.",
        "check the firewall change process during weekend freezes.",
        None,
        {"owner": "Network team", "owners": ("Network team",)},
    ),
    "p9_positional_fields": Case(
        "Rotate keys - @ana - 2026-06-01",
        "Rotate keys",
        False,
        {
            "owner": "@ana",
            "owners": ("@ana",),
            "due": date(2026, 6, 1),
            "due_raw": "2026-06-01",
            "marker": Status.OPEN,
        },
    ),
    "p9_positional_name_and_date": Case(
        "Rotate keys - Priya - 2026-06-01",
        "Rotate keys",
        None,
        {"owner": "Priya", "owners": ("Priya",), "due": date(2026, 6, 1), "due_raw": "2026-06-01"},
    ),
    "p9_paren_owner_due": Case(
        "Rotate keys (@x, 2026-06-01)",
        "Rotate keys",
        None,
        {"owner": "@x", "owners": ("@x",), "due": date(2026, 6, 1), "due_raw": "2026-06-01"},
    ),
    "p9_paren_name_due": Case(
        "Rotate keys (jon, May 28)",
        "Rotate keys",
        None,
        {"owner": "jon", "owners": ("jon",), "due": date(2026, 5, 28), "due_raw": "May 28"},
    ),
    "p9_japanese": Case(
        "[対策内容] (期限: 2024-05-31, 担当: 佐藤)",
        "対策内容",  # the template's description slot, brackets dropped like `[Specific fix]`
        False,
        {
            "owner": "佐藤",
            "owners": ("佐藤",),
            "due": date(2024, 5, 31),
            "due_raw": "2024-05-31",
            "marker": Status.OPEN,
        },
    ),
    "p9_placeholder_owner_bracket": Case(
        "[Owner] — short-term mitigation", "[Owner] — short-term mitigation"
    ),
    "p9_owner_full_name": Case(
        "Write the restore drill — owner: Priya Shah",
        "Write the restore drill",
        None,
        {"owner": "Priya Shah", "owners": ("Priya Shah",)},
    ),
    "p9_owner_bold_key": Case(
        "Write the restore drill. **Owner:** @dana",
        "Write the restore drill.",
        None,
        {"owner": "@dana", "owners": ("@dana",)},
    ),
    "p9_several_owners": Case(
        "Move the cron jobs; owners: @ana, @bo and @cy",
        "Move the cron jobs",
        None,
        {"owner": "@ana", "owners": ("@ana", "@bo", "@cy")},
    ),
    "p9_email_owner": Case(
        "Move the cron jobs | owner: ana@example.org",
        "Move the cron jobs",
        None,
        {"owner": "ana@example.org", "owners": ("ana@example.org",)},
    ),
    "p9_trailing_handle": Case(
        "Move the cron jobs — @ana",
        "Move the cron jobs",
        None,
        {"owner": "@ana", "owners": ("@ana",)},
    ),
    "p9_paren_keys": Case(
        "Move the cron jobs (owner: @ana, due: 2026-07-01)",
        "Move the cron jobs",
        None,
        {"owner": "@ana", "owners": ("@ana",), "due": date(2026, 7, 1), "due_raw": "2026-07-01"},
    ),
    "p9_comma_fields": Case(
        "Move the cron jobs - due: Q3 2026, owner: Priya Shah",
        "Move the cron jobs",
        None,
        {
            "owner": "Priya Shah",
            "owners": ("Priya Shah",),
            "due": date(2026, 9, 30),
            "due_raw": "Q3 2026",
        },
    ),
    "p9_portuguese_due": Case(
        "Migrar o banco - Prazo: 2026-08-01",
        "Migrar o banco",
        None,
        {"due": date(2026, 8, 1), "due_raw": "2026-08-01"},
    ),
    "p9_tbd_owner": Case("Move the cron jobs — owner: TBD", "Move the cron jobs"),
    # --- due dates (§4.2)
    "due_yearless": Case(
        "Check the retention job — Due: May 28",
        "Check the retention job",
        None,
        {"due": date(2026, 5, 28), "due_raw": "May 28"},
    ),
    "due_without_colon": Case(
        "Check the retention job, due 28 May 2026",
        "Check the retention job",
        None,
        {"due": date(2026, 5, 28), "due_raw": "28 May 2026"},
    ),
    "due_by": Case(
        "Check the retention job by 2026-06-04",
        "Check the retention job",
        None,
        {"due": date(2026, 6, 4), "due_raw": "2026-06-04"},
    ),
    "due_comma_date": Case(
        "Check the retention job — due: May 28, 2026 — owner: @x",
        "Check the retention job",
        None,
        {"due": date(2026, 5, 28), "due_raw": "May 28, 2026", "owner": "@x", "owners": ("@x",)},
    ),
    "due_ordinal": Case(
        "Check the retention job (due 2nd October, 2021)",
        "Check the retention job",
        None,
        {"due": date(2021, 10, 2), "due_raw": "2nd October, 2021"},
    ),
    "due_ambiguous_unparsed": Case(
        "Check the retention job — due: 05-12-2022",
        "Check the retention job",
        None,
        {"due_raw": "05-12-2022"},
    ),
    "due_ambiguous_with_order": Case(
        "Check the retention job — due: 05-12-2022",
        "Check the retention job",
        None,
        {"due": date(2022, 12, 5), "due_raw": "05-12-2022"},
        "dmy",
    ),
    "due_placeholder": Case(
        "Check the retention job — due: YYYY-MM-DD",
        "Check the retention job",
        None,
        {"due_raw": "YYYY-MM-DD"},
    ),
    "due_placeholder_date": Case(
        "Check the retention job — due: 8888-08-08",
        "Check the retention job",
        None,
        {"due_raw": "8888-08-08"},
    ),
    "due_timeframe": Case(
        "Check the retention job — due: next 2 weeks",
        "Check the retention job",
        None,
        {"due_raw": "next 2 weeks"},
    ),
    "due_quarter": Case(
        "Shard the audit log — deadline: H1 2026",
        "Shard the audit log",
        None,
        {"due": date(2026, 6, 30), "due_raw": "H1 2026"},
    ),
    "due_long_term_prefix": Case(
        f"Long term: [Shard the audit log #9120]({GH}/acme/app/issues/9120)",
        "Shard the audit log #9120",
        None,
        {"due_raw": "Long term"},
    ),
    "due_to_trap": Case(
        "The batch run moved to the night window\n2026-06-04 due to the freeze",
        "The batch run moved to the night window 2026-06-04 due to the freeze",
    ),
    "date_in_sentence_is_not_due": Case(
        "Replay the events lost on 2026-05-02 into the warehouse",
        "Replay the events lost on 2026-05-02 into the warehouse",
    ),
    "by_before_more_words_is_not_due": Case(
        "Find what was caused by 2026-05-02 deploy",
        "Find what was caused by 2026-05-02 deploy",
    ),
    # --- type (§4.5)
    "type_drift": Case(
        "Drop the legacy exporter — type: prevention",
        "Drop the legacy exporter",
        None,
        {"type": "prevent"},
    ),
    "type_mitigation": Case("Drop it — Type: Mitigation", "Drop it", None, {"type": "mitigate"}),
    "type_unknown_word_stays": Case(
        "Set the content type: json for uploads", "Set the content type: json for uploads"
    ),
    # --- P12 status markers
    "p12_leading_emoji": Case(
        "✅ Rolled back the faulty config",
        "Rolled back the faulty config",
        None,
        {"marker": Status.DONE},
    ),
    "p12_trailing_emoji": Case(
        "Froze the dependency at the last good version. ✔️",
        "Froze the dependency at the last good version.",
        None,
        {"marker": Status.DONE},
    ),
    "p12_paren_done": Case(
        "Turn on dependency scanning for the API repo (Done)",
        "Turn on dependency scanning for the API repo",
        None,
        {"marker": Status.DONE},
    ),
    "p12_issue_created_is_not_status": Case(
        "Add a dashboard for queue depth (issue created)", "Add a dashboard for queue depth"
    ),
    "p12_pr_exists_is_not_status": Case(
        "Make the cleanup script refuse to run outside staging. PR exists",
        "Make the cleanup script refuse to run outside staging.",
    ),
    "p12_todo_word": Case("Rotate the keys TODO", "Rotate the keys", None, {"marker": Status.OPEN}),
    "p12_bold_done": Case(
        "Rotate the keys **DONE**", "Rotate the keys", None, {"marker": Status.DONE}
    ),
    "p12_done_period": Case(
        "Rotate the keys. DONE.", "Rotate the keys.", None, {"marker": Status.DONE}
    ),
    "p12_in_progress": Case(
        "Fix the deployer (in progress)", "Fix the deployer", None, {"marker": Status.IN_PROGRESS}
    ),
    "p12_in_progress_caps": Case(
        "Fix the deployer - IN PROGRESS", "Fix the deployer", None, {"marker": Status.IN_PROGRESS}
    ),
    "p12_lowercase_done_in_prose_is_not_status": Case(
        "Make sure the migration is done", "Make sure the migration is done"
    ),
    "glued_todo": Case(
        "Alert on stalled import jobs (Ticket No: DATA-3826)**TODO**",
        "Alert on stalled import jobs",
        None,
        {"marker": Status.OPEN},
    ),
    "ticked_box_beats_todo": Case(
        "Rotate the keys TODO", "Rotate the keys", True, {"marker": Status.DONE}
    ),
    "strikethrough": Case(
        "~~Rewrite the deployer~~", "Rewrite the deployer", None, {"marker": Status.DEPRIORITIZED}
    ),
    "partial_strikethrough_is_text": Case(
        "Rewrite the ~~old~~ deployer", "Rewrite the ~~old~~ deployer"
    ),
    "wont_do_beats_unticked_box": Case(
        "Rewrite the deployer — won't do: replaced by the managed service",
        "Rewrite the deployer",
        False,
        {"marker": Status.DEPRIORITIZED, "reason": "replaced by the managed service"},
    ),
    "wont_do_curly": Case(
        "Rewrite the deployer. Won’t fix: too costly",
        "Rewrite the deployer.",
        None,
        {"marker": Status.DEPRIORITIZED, "reason": "too costly"},
    ),
    "wont_do_paren_then_owner": Case(
        "Rewrite the deployer (wont do: replaced) — owner: @x",
        "Rewrite the deployer",
        None,
        {"marker": Status.DEPRIORITIZED, "reason": "replaced", "owner": "@x", "owners": ("@x",)},
    ),
    "wont_do_without_reason": Case(
        "Rewrite the deployer — won't do",
        "Rewrite the deployer",
        None,
        {"marker": Status.DEPRIORITIZED},
    ),
    "struck_with_reason": Case(
        "~~Rewrite the deployer~~ reason: replaced by the managed service",
        "Rewrite the deployer",
        None,
        {"marker": Status.DEPRIORITIZED, "reason": "replaced by the managed service"},
    ),
    "wont_do_in_prose_is_text": Case(
        "Ensure the deployer won't do partial rollouts",
        "Ensure the deployer won't do partial rollouts",
    ),
    # --- suppression, paragraph labels, false ticket keys
    "suppression": Case(
        "Improve monitoring <!-- syncd: ignore SYN105 SYN106 -->",
        "Improve monitoring",
        None,
        {"suppressed": frozenset({"SYN105", "SYN106"})},
    ),
    "suppression_all": Case(
        "Improve monitoring <!-- syncd: ignore -->",
        "Improve monitoring",
        None,
        {"suppressed": frozenset({"all"})},
    ),
    "other_comment_removed": Case("Improve <!-- note --> alerting", "Improve alerting"),
    "action_item_label": Case(
        "**Action item:** make the pager rota visible. Owner: @x",
        "make the pager rota visible.",
        None,
        {"owner": "@x", "owners": ("@x",)},
    ),
    "not_keys": Case(
        "Bump to UTF-8 for SEV-1 reports per ISO-8601 (SEV-2)",
        "Bump to UTF-8 for SEV-1 reports per ISO-8601 (SEV-2)",
    ),
    "reason_key": Case(
        "Drop it — type: mitigation — Reason: too costly",
        "Drop it",
        None,
        {"type": "mitigate", "reason": "too costly"},
    ),
    "html_break": Case("Rotate<br>the keys", "Rotate the keys"),
    # --- more shapes seen while writing the parser
    "field_lines_joined": Case(
        "Write the runbook\nOwner: @x\nDue: 2026-06-01",
        "Write the runbook",
        None,
        {"owner": "@x", "owners": ("@x",), "due": date(2026, 6, 1), "due_raw": "2026-06-01"},
    ),
    "due_end_of_month": Case(
        "Ship the fix by end of June 2026",
        "Ship the fix",
        None,
        {"due": date(2026, 6, 30), "due_raw": "end of June 2026"},
    ),
    "positional_yearless_due": Case(
        "Restart the queue - May 28",
        "Restart the queue",
        None,
        {"due": date(2026, 5, 28), "due_raw": "May 28"},
    ),
    "two_trailing_links": Case(
        f"Add an alert. See [PR #12]({GH}/a/b/pull/12) and [PR #13]({GH}/a/b/pull/13)",
        "Add an alert.",
    ),
    "paren_ref_list": Case("Add an alert (#12, #13)", "Add an alert"),
    "link_then_emoji": Case(
        "Restart the queue [OPS-12](https://acme.atlassian.net/browse/OPS-12) ✅",
        "Restart the queue",
        None,
        {"marker": Status.DONE},
    ),
    "leading_paren_done_beats_unticked_box": Case(
        "(Done) Restart the queue", "Restart the queue", False, {"marker": Status.DONE}
    ),
    "key_in_code_span_is_text": Case(
        "Check `owner:` parsing in the config", "Check `owner:` parsing in the config"
    ),
    "team_prefix_words": Case(
        "Backend dev team: restart the queue",
        "restart the queue",
        None,
        {"owner": "Backend dev team", "owners": ("Backend dev team",)},
    ),
    "sentence_subject_is_not_owner": Case(
        "The data team will migrate the queue", "The data team will migrate the queue"
    ),
    "bracket_alone_is_description": Case("[maria]", "[maria]"),
    # --- what is left once the fields are cut: no doubled or stray punctuation, no date lost
    "sentence_fields_leave_one_period": Case(
        "Add alert. Owner: @priya. Due: 2026-06-04",
        "Add alert.",
        None,
        {
            "owner": "@priya",
            "owners": ("@priya",),
            "due": date(2026, 6, 4),
            "due_raw": "2026-06-04",
        },
    ),
    "leading_owner_sentence_leaves_no_period": Case(
        "Owner: @kim. Rotate the keys. Due: 2026-06-04",
        "Rotate the keys.",
        None,
        {"owner": "@kim", "owners": ("@kim",), "due": date(2026, 6, 4), "due_raw": "2026-06-04"},
    ),
    "ellipsis_stays": Case(
        "Wait for the vendor... Owner: @kim",
        "Wait for the vendor...",
        None,
        {"owner": "@kim", "owners": ("@kim",)},
    ),
    "owner_then_due_word_in_parens": Case(
        "Rotate the keys (owner: @kim, due 2026-06-04)",
        "Rotate the keys",
        None,
        {"owner": "@kim", "owners": ("@kim",), "due": date(2026, 6, 4), "due_raw": "2026-06-04"},
    ),
    "owners_then_by_date": Case(
        "Rotate the keys. Owner: @kim, @sam, by 2026-06-04",
        "Rotate the keys.",
        None,
        {
            "owner": "@kim",
            "owners": ("@kim", "@sam"),
            "due": date(2026, 6, 4),
            "due_raw": "2026-06-04",
        },
    ),
    "owner_then_unreadable_date_stays_in_text": Case(
        "Rotate the keys (owner: Kim, by Friday)",
        "Rotate the keys (by Friday)",
        None,
        {"owner": "Kim", "owners": ("Kim",)},
    ),
    # --- a status word as the last positional field (`Action - Owner - Due date - Status`)
    "status_word_last_field": Case(
        "Pin the image — owner: @sam — done",
        "Pin the image",
        None,
        {"owner": "@sam", "owners": ("@sam",), "marker": Status.DONE},
    ),
    "status_words_after_pipes_and_dashes": Case(
        "Ship it - @sam - 2026-06-04 - In progress",
        "Ship it",
        None,
        {
            "owner": "@sam",
            "owners": ("@sam",),
            "due": date(2026, 6, 4),
            "due_raw": "2026-06-04",
            "marker": Status.IN_PROGRESS,
        },
    ),
    "status_word_ending_a_sentence_is_prose": Case(
        "Keep going until the migration is done", "Keep going until the migration is done"
    ),
    "status_word_ending_a_long_last_part_is_prose": Case(
        "Pin the image — a tool that is done", "Pin the image — a tool that is done"
    ),
    "separator_after_a_cut_field_keeps_its_blank": Case(
        "Pin the image — owner: @sam — see the runbook",
        "Pin the image — see the runbook",
        None,
        {"owner": "@sam", "owners": ("@sam",)},
    ),
    "url_first_without_separator_stays": Case(
        f"{GH}/acme/x/issues/9 explains it", f"{GH}/acme/x/issues/9 explains it"
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_extract(case: Case) -> None:
    got = extract(case.text, checkbox=case.checkbox, review_date=REVIEW, date_order=case.date_order)
    assert got.description == case.description
    expected = {**EMPTY, **case.expect}
    assert {name: getattr(got, name) for name in expected} == expected


JIRA = "https://acme.atlassian.net/browse/PLAT-311"
TICKETS = {
    # `raw` is the reference itself (the URL of a link), never the Markdown around it.
    "jira_generic_label": (f"Alert - [jira]({JIRA})", [TicketRef(JIRA, url=JIRA, key="PLAT-311")]),
    "github_pull": (
        f"x [[PR]({GH}/acme/sdk/pull/2431)]",
        [
            TicketRef(
                f"{GH}/acme/sdk/pull/2431",
                url=f"{GH}/acme/sdk/pull/2431",
                repo="acme/sdk",
                number=2431,
            )
        ],
    ),
    "gitlab_nested_group": (
        "see https://gitlab.example.org/g/sub/proj/-/issues/5.",
        [
            TicketRef(
                "https://gitlab.example.org/g/sub/proj/-/issues/5",
                url="https://gitlab.example.org/g/sub/proj/-/issues/5",
                repo="g/sub/proj",
                number=5,
            )
        ],
    ),
    "autolink": (
        f"x <{GH}/acme/infra/issues/87>",
        [
            TicketRef(
                f"{GH}/acme/infra/issues/87",
                url=f"{GH}/acme/infra/issues/87",
                repo="acme/infra",
                number=87,
            )
        ],
    ),
    # Links to commits, repositories and documents are not tickets (record-formats.md §4.3).
    "commit_is_not_a_ticket": ("x (https://example.org/acme/ingest/commit/4f2a9c1)", []),
    "repository_is_not_a_ticket": (
        "the [operator](https://github.com/percona/percona-server-mongodb-operator)",
        [],
    ),
    "commit_left_out": (
        f"fixed in {GH}/acme/a/commit/abc1234, tracked in {GH}/acme/a/issues/9",
        [TicketRef(f"{GH}/acme/a/issues/9", url=f"{GH}/acme/a/issues/9", repo="acme/a", number=9)],
    ),
    "label_key_for_unknown_url": (
        "[KM512](https://tracker.example.org/c/x1) [23Q1-07](https://tracker.example.org/c/x2)",
        [
            TicketRef(
                "https://tracker.example.org/c/x1",
                url="https://tracker.example.org/c/x1",
                key="KM512",
            ),
            TicketRef(
                "https://tracker.example.org/c/x2",
                url="https://tracker.example.org/c/x2",
                key="23Q1-07",
            ),
        ],
    ),
    "doc_link_is_not_a_ticket": (
        "see [PM2020-004 review](https://docs.example.org/pm/2020-004)",
        [],
    ),
    "trello_card": (
        "[card](https://trello.com/c/AbC123/12-move-cron)",
        [
            TicketRef(
                "https://trello.com/c/AbC123/12-move-cron",
                url="https://trello.com/c/AbC123/12-move-cron",
            )
        ],
    ),
    "linear_issue": (
        "[fix](https://linear.app/acme/issue/ENG-42/fix-it)",
        [
            TicketRef(
                "https://linear.app/acme/issue/ENG-42/fix-it",
                url="https://linear.app/acme/issue/ENG-42/fix-it",
                key="ENG-42",
            )
        ],
    ),
    "refs_in_order": (
        "acme/infra#2209 then #12 then OPS-481 and (Ticket No: DATA-3826)",
        [
            TicketRef("acme/infra#2209", repo="acme/infra", number=2209),
            TicketRef("#12", number=12),
            TicketRef("OPS-481", key="OPS-481"),
            TicketRef("DATA-3826", key="DATA-3826"),
        ],
    ),
    "reference_style_shortcut": ("Shard the log [#1234]", [TicketRef("#1234", number=1234)]),
    "bug_number_raw_only": ("Bug 7721034 **TODO**", [TicketRef("Bug 7721034")]),
    "not_keys": ("SEV-1 UTF-8 ISO-8601 COVID-19 CVE-2024-1234 X-1 a-1 sha256-12", []),
    "no_html_entity": ("&#123; and C#1", []),
    "image_is_not_a_ticket": ("![graph](https://img.example.org/g.png)", []),
    "duplicates_once": (
        f"[#12]({GH}/a/b/issues/12) and {GH}/a/b/issues/12",
        [TicketRef(f"{GH}/a/b/issues/12", url=f"{GH}/a/b/issues/12", repo="a/b", number=12)],
    ),
}


@pytest.mark.parametrize(("text", "expected"), TICKETS.values(), ids=TICKETS.keys())
def test_find_tickets(text: str, expected: list[TicketRef]) -> None:
    assert list(find_tickets(text)) == expected


def test_extract_keeps_tickets_of_the_whole_text() -> None:
    got = extract(
        f"Page on-call. DONE in [PR #812]({GH}/acme/env/pull/812)",
        checkbox=None,
        review_date=None,
        date_order=None,
    )
    assert [t.number for t in got.tickets] == [812]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("n/a **DONE**", (Status.DONE, None)),
        ("Bug 7721034 **TODO**", (Status.OPEN, None)),
        ("n/a TODO", (Status.OPEN, None)),
        ("n/a TODO.", (Status.OPEN, None)),
        ("(Ticket: DATA-3826)**TODO**", (Status.OPEN, None)),
        ("Won't do: replaced", (Status.DEPRIORITIZED, "replaced")),
        ("done", (Status.DONE, None)),
        ("In progress", (Status.IN_PROGRESS, None)),
        ("✅", (Status.DONE, None)),
        ("pending", (Status.OPEN, None)),
        (f"[owner/repo#11]({GH}/owner/repo/issues/11)", (None, None)),
        ("n/a", (None, None)),
        ("", (None, None)),
    ],
)
def test_parse_marker(cell: str, expected: tuple[Status | None, str | None]) -> None:
    assert parse_marker(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("kim", ("kim", ("kim",))),
        ("Data team", ("Data team", ("Data team",))),
        ("Priya Shah", ("Priya Shah", ("Priya Shah",))),
        ("@dana", ("@dana", ("@dana",))),
        ("kim, raj", ("kim", ("kim", "raj"))),
        ("Owner: @dana", ("@dana", ("@dana",))),
        ("**lee**", ("lee", ("lee",))),
        ("TBD", (None, ())),
        ("", (None, ())),
        ("n/a", (None, ())),
    ],
)
def test_parse_owner(cell: str, expected: tuple[str | None, tuple[str, ...]]) -> None:
    assert parse_owner(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("mitigate", "mitigate"),
        ("Mitigation", "mitigate"),
        ("prevention", "prevent"),
        ("Preventative", "prevent"),
        ("process", "process"),
        ("other", "other"),
        ("Detection", "other"),
        ("**prevent**", "prevent"),
        ("n/a", None),
        ("", None),
    ],
)
def test_parse_type(cell: str, expected: str | None) -> None:
    assert parse_type(cell) == expected


@given(st.text(max_size=80))
def test_find_tickets_returns_parts_of_the_text(text: str) -> None:
    for ref in find_tickets(text):
        assert ref.raw in text


_MARKUP = st.sampled_from(
    [
        "[ ] ",
        "[x] ",
        "owner: ",
        "Owner: @a ",
        "— due: ",
        "2026-06-04",
        "May 28",
        "(",
        ")",
        "[",
        "]",
        "(https://x.org/a/b/issues/1)",
        "[PR](https://x.org/a/b/pull/2)",
        "**",
        "~~",
        " - ",
        " — ",
        "won't do: ",
        "DONE",
        "TODO",
        "✅",
        "✔️",
        "#12",
        "OPS-1",
        "<!-- syncd: ignore SYN1 -->",
        "<!--",
        "\n",
        ":",
        "@x",
        "(jon, 2026-01-02)",
        "Network team: ",
    ]
)
_TEXT = st.lists(st.one_of(_MARKUP, st.text(max_size=8)), max_size=14).map("".join)


@settings(max_examples=400, deadline=None)
@given(_TEXT, st.sampled_from([None, True, False]))
def test_extract_never_raises_and_strips_keys(text: str, checkbox: bool | None) -> None:
    got = extract(text, checkbox=checkbox, review_date=REVIEW, date_order=None)
    assert isinstance(got, Fields)
    if "`" not in text:  # `owner:` inside a code span is text
        assert not re.search(r"(?i)\bowner\s*:", got.description)
    assert not re.match(r"\[[ xX]?\]\s", got.description)
    assert got.description == got.description.strip()
    assert "\n" not in got.description
    assert got.owner == (got.owners[0] if got.owners else None)
    assert got.due is None or got.due_raw is not None
