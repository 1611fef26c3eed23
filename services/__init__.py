"""Services: one module per use case (register a case, act on a task, read a case, the inbox, the
dashboard, accounts, supervision matters, replies, bulk letters, statistics, evidence, calendars,
documents). Each takes its dependencies (database, Temporal client, keys) as arguments, never a
web request, so the API, the command line, the simulator and the tests call the same code."""
