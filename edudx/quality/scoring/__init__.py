"""Data-quality rules and scorecards (issue #14 item 3): the shipped rules (`catalogue`), the
facts counted per school and kept current by core.aggregates (`facts`), and the scores computed
from them under the department's current rule settings (`scores`, `outliers`)."""
