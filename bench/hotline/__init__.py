"""Hotline benchmark: end-to-end latency between two real nodes."""
