"""OneRoster 1.2 rostering (REST and CSV) for partner apps. See edudx/partners/README.md."""
