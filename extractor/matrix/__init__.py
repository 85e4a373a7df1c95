"""Prompt iteration as a loop: a matrix of prompt sets × providers × strategies × sampling ×
repeats, each cell an ordinary run through the shared cache, scored and compared by the eval.

`config` reads and expands a matrix file, `runner` runs its cells, `cli` is `extractor matrix`.
"""
