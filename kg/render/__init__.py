"""RENDER layer: values to text, tables, Markdown, HTML pages and files; no graph reads, no analyses."""
