"""The values (a report, the bar, a verdict) and every decision over them: pure, no I/O."""
