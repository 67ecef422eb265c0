"""Domain vocabulary and rules: enums with their Chinese labels, permissions, compliance rules."""
