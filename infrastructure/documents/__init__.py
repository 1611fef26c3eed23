"""The document engine: the Jinja2 document environment, WeasyPrint rendering, CJK font checks,
context assembly, document numbers (文号), storage and verification. Rendering runs only in
activities (and in the `labourflow documents` commands)."""
