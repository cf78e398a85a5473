"""SERVICES layer: the answers both faces give, composed from the read, analysis and render layers."""
