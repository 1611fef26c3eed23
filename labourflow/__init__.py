"""Entry points: the `labourflow` command (`labourflow/cli/`), the process runner behind
`labourflow run`, and the Temporal worker start-up. The package is named after the command it
provides (`labourflow ...`, `python -m labourflow ...`)."""
