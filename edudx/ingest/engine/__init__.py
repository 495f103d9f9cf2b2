"""The ingest engine, one module per stage. Doors (CLI, web, API, tasks) call `pipeline.process`."""
