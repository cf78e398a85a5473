"""BASE layer: helpers with no domain knowledge (atomic files, numpy kernels, GC pauses, numbers)."""
