"""Database speed-ups, in one place: how rows reach each database, for any app.

* `bulk`     — the vendor-neutral helpers the domain modules call (insert_frame, insert_rows,
               update_rows, allocate_ids, select_in, deferred_indexes, Table for demo loads…);
* `sqlite`   — SQLite's half: MAX(id) + 1 under the write lock, multi-row INSERTs on the raw
               connection, index deferral and its PRAGMAs;
* `postgres` — PostgreSQL's half: ids from the sequence, COPY, index and foreign-key deferral.

Domain modules say *what* is written (model, columns, rows); these say *how*. They take
model, table and column names as arguments and import no domain app.
"""
