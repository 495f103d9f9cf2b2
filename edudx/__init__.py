"""edudx — one body of trusted data for a city's education sector."""
