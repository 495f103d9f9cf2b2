# gunicorn reads this file from the directory it starts in (`./run` starts there).
# Access-log lines print the request line with its query string, where searches carry what was
# typed: personal IDs and phone numbers are masked (edudx/core/logmask.py).
logger_class = "edudx.core.logmask.GunicornLogger"
