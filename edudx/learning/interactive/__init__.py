"""Interactive content: H5P packages played by h5p-standalone, cmi5 course structures launched
with the platform's LRS. `archive` opens an uploaded zip and checks every entry before anything
is written; `h5p` and `cmi5` read their package's manifest. The writes are in
`learning.services.interactive`."""
