"""Spreadsheets: exporting a program's people and pairings, importing mentors and newcomers.

`cells.py` holds how one value is written to a cell and read back (one definition each,
shared by export and import), `files.py` reads and writes CSV and `.xlsx` within limits,
`export.py` builds the exports, `columns.py` and `import_.py` check and apply an import,
`uploads.py` keeps an uploaded file between its preview and its import, `mappings.py` a
program's saved choice of columns, `jobs.py` an import under way from the page, and
`import_router.py` the import API.
"""
