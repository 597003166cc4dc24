"""Node ports (SVC3xx): the range, collisions across the cluster, types without node ports."""
