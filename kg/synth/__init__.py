"""DATA layer: synthetic but realistic cluster graphs for scale tests (``kg generate``)."""
