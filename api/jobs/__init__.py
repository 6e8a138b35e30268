"""Background work: the job queue, its schedule and the jobs it runs."""
