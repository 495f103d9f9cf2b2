"""The citizen-registry simulator: `server` (the service, standard library only), `data` (its
data file) and `process` (start and stop it as a separate process)."""
