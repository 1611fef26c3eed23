"""Union supervision use cases: opening matters (gap-free numbers, rows committed before the
workflow starts), suggestions, reply links and attachments, bulk-letter batches, statistics."""
