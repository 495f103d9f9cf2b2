"""The synthetic demo city: one deterministic source (city.py) loaded into the database by
`edudx demo` (load.py) and written as sector-style spreadsheets by `edudx generate` (export.py).

What the registry step leaves in `DemoContext.data` for later steps:
``size``, ``department`` (unit id), ``areas`` / ``clusters`` / ``schools`` (ids, plan order),
``years`` ({code: id}), ``current_year`` (id), ``counts``, and ``users`` ({role: User}).
"""
