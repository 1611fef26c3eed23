"""Temporal workflow definitions only: deterministic, light, importing nothing but `domain`.

The list the worker registers is `workflows.registry.ALL_WORKFLOWS`; this file stays empty (see there).
"""
