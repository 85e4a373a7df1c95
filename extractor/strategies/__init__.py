"""Ways of reading one isolated article into a record; the pipeline picks one by name."""
