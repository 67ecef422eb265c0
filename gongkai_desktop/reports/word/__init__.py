"""Word documents in the official layout of GB/T 9704-2012 (A4, 仿宋 body, page numbers — 1 —).

``OfficialDocument`` builds a document block by block; ``WordFonts`` names its fonts (with a
fallback set for PCs without the 方正/GB2312 fonts); ``Cell`` describes merged table cells.
"""

from .document import DRAFT_MARK, OfficialDocument, chinese_date, chinese_numeral, heading_number
from .fonts import SIZE_2HAO, SIZE_3HAO, SIZE_4HAO, SIZE_5HAO, SIZE_XIAO4, WordFonts
from .table import Cell, CellLike, CellValue

__all__ = [
    "SIZE_2HAO",
    "SIZE_3HAO",
    "SIZE_4HAO",
    "SIZE_5HAO",
    "SIZE_XIAO4",
    "DRAFT_MARK",
    "Cell",
    "CellLike",
    "CellValue",
    "OfficialDocument",
    "WordFonts",
    "chinese_date",
    "chinese_numeral",
    "heading_number",
]
