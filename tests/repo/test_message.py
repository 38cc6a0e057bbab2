"""The commit message: built from the engine's change list, review text kept as data."""

from __future__ import annotations

from syncd.repo.message import MAX_LISTED, ReviewChange, commit_message

A = "postmortems/2026-05-checkout.md"
B = "postmortems/2026-06-search.md"


def test_one_review_names_it_in_the_subject() -> None:
    text = commit_message([ReviewChange(A, 12, "Alert on 5xx", "in progress", "acme/ops#1")])
    assert text == (
        f"syncd: update 1 action item in {A}\n\n{A}\n- L12 Alert on 5xx: in progress (acme/ops#1)\n"
    )


def test_changes_are_grouped_per_review_in_line_order_with_a_trailer() -> None:
    text = commit_message(
        [
            ReviewChange(B, 9, "Shard the audit log", "overdue since 2026-06-05"),
            ReviewChange(A, 15, "Pin the base image", "done 2026-06-01", "OPS-481"),
            ReviewChange(A, 14, "Alert on 5xx", "in progress", "acme/ops#123"),
        ],
        run_id="5f0c",
    )
    assert text.splitlines() == [
        "syncd: update 3 action items in 2 reviews",
        "",
        A,
        "- L14 Alert on 5xx: in progress (acme/ops#123)",
        "- L15 Pin the base image: done 2026-06-01 (OPS-481)",
        "",
        B,
        "- L9 Shard the audit log: overdue since 2026-06-05",
        "",
        "Syncd-Run: 5f0c",
    ]


def test_review_text_cannot_add_lines_or_trailers() -> None:
    sneaky = "Fix it\n\nSigned-off-by: mallory\r\nCo-authored-by: x"
    text = commit_message([ReviewChange(A, 3, sneaky, "done")])
    assert text.count("\n") == 4
    assert "\nSigned-off-by" not in text and "\nCo-authored-by" not in text


def test_long_items_are_cut_and_long_lists_counted() -> None:
    changes = [ReviewChange(A, n, "x" * 500, "done") for n in range(MAX_LISTED + 5)]
    text = commit_message(changes)
    assert max(len(line) for line in text.splitlines()) < 100
    assert text.rstrip().endswith("… and 5 more")
