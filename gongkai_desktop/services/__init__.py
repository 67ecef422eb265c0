"""Use cases: permission check, one transaction, an audit row, frozen dataclasses out."""
