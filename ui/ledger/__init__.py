"""The disclosure ledger's pages: 公开事项 (with 转载 and the 标准目录) and 规范性文件 (with 清理)."""
