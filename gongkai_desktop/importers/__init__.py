"""Readers for untrusted input files: plan documents, Excel templates and submission packages.

Every reader checks size and container limits before it parses anything.
"""
