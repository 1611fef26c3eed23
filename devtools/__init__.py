"""Developer tools, kept in the repository but out of the installed package: the benchmark, the
scenario simulator, the story intakes and document samples, and fault injection. Run them with
`python -m devtools ...` from a checkout (`make bench`)."""
