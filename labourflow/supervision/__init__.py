"""Union supervision services used by the API and the activities: opening matters (gap-free
numbers, rows committed before the workflow starts), suggestions, reply links and attachments,
bulk-letter batches, statistics, and the document context of `matter:` subjects."""
