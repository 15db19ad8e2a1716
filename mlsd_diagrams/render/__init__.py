"""Renderers: from the plain graph to DOT, and from DOT to images through Graphviz."""
