"""`plangen preview`: the plans as they will print, in the browser, updated on every save.

A small Starlette app served by uvicorn on 127.0.0.1 only: ``state`` keeps the last good
rendering of each plan and its errors, ``server`` serves pages, Server-Sent Events and the
built files, and watches the plans and templates with watchfiles (events, not polling)."""
