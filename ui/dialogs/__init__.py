"""Dialogs that are not part of one page: first run, log-in, own password."""
