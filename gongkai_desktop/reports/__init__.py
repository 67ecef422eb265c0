"""Report writers: Word documents in the official layout (word/) and Excel workbooks (excel/)."""
