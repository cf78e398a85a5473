"""The bundled curated graph: the four aluminium clusters of the five seed articles (package data)."""
