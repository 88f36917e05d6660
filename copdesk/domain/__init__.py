"""Pure domain rules (identity numbers, search text, reference data): no database, no Qt."""
