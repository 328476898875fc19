"""Regulatory check benchmark: corpus false negatives/positives per mechanism, and timing."""
