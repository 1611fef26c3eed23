"""Server-rendered pages (Jinja2 templates in templates/pages)."""
