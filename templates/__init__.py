"""The jinja templates, shipped in the wheel as the package data `mlsd_diagrams.templates`."""
