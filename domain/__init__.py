"""Pure domain of labourflow: models, statutory rules, calendar, validators. No I/O, sandbox-safe."""
