"""The HTTP service: the CLI's pipeline behind FastAPI, with batch jobs persisted in SQLite.

Modules: `app` (routes and the app factory), `store` (SQLite), `runner` (background jobs),
`inputs` (request bodies to documents), `limits` (body size and bearer auth), `cli` (`serve`).
"""
