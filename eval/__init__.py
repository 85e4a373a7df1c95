"""Scoring: reads predictions and gold only, never the extractor, so re-scoring needs no model."""
