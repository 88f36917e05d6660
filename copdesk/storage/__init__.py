"""Storage: engines, key slots, schema migrations and backups. No domain rules and no Qt here."""
