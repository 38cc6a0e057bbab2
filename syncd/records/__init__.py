"""Review records: find, parse, lint and edit Markdown post-incident reviews."""
