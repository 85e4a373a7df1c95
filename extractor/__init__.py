"""Extraction of grounded facts from news articles: prompting, grounding, running, serving."""
