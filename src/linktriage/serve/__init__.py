"""The HTTP API (`linktriage serve`): FastAPI over the same pipeline as the CLI and the Python API.

    GET  /health         {"status": "ok"}
    GET  /model          the model card
    POST /score          {"links": [{"source_url", "target_url", "anchor", "html"?}], "niche"?, "site"? (--fetch)}
                         -> {"schema_version", "rows": [one output row per link, in order],
                             "warnings": [what the run warned about, as the CLI prints it]}
    GET  /openapi.json   the schema; /docs renders it

Run it with ``linktriage serve`` or, in a program, ``uvicorn.run(create_app(...))``. See docs/api.md.
"""

from linktriage.serve._app import (DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_LINKS, DEFAULT_TIMEOUT_S,
                                   backlinks_from_links, create_app)

__all__ = ["DEFAULT_MAX_BODY_BYTES", "DEFAULT_MAX_LINKS", "DEFAULT_TIMEOUT_S", "backlinks_from_links",
           "create_app"]
