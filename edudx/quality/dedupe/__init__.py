"""Duplicate persons across the city, found with Splink on DuckDB (issue #14 item 1).

frames.py turns registry rows (or a spreadsheet's rows) into one matching frame; model.py holds
the Splink settings, trains them on the data (EM, no labels) and scores the candidate pairs.
"""
