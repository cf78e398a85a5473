"""Interactive HTML views of the supply network (vis-network inline, offline)."""
