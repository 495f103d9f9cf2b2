"""The test kit every app's tests use: a small two-ward city with one user per role."""
