"""The case library, shipped in the wheel as the package data `mlsd_diagrams.designs`."""
