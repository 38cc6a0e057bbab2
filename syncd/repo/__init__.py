"""Reviews in a remote git repository (issue #13, docs/git.md).

`config` (the `records.repo` model, importable without git), `remote` (URL forms, links),
`git` (the one place that runs git), `workspace` (clone, fetch, reset: the checkout a pass
reads), `deliver` (commit, push with rebase-and-retry, pull request), `message` (the commit
message), `pulls` (the pull/merge request protocol the tracker modules implement).

Nothing is imported here: syncd.config imports `syncd.repo.config`, and must not pay for (or
cycle through) the rest.
"""
