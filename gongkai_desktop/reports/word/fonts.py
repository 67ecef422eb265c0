"""Font names and sizes of the official document layout (GB/T 9704-2012).

Chinese font names are written to Word as East-Asian fonts (``w:eastAsia``). Offices whose PCs lack
the 方正 and GB2312 fonts use :meth:`WordFonts.fallback`, which names the fonts every Chinese Windows
has (宋体, 黑体, 楷体, 仿宋).
"""

from __future__ import annotations

from dataclasses import dataclass

# Chinese type sizes (字号) in points.
SIZE_2HAO = 22.0  # 二号: document title
SIZE_3HAO = 16.0  # 三号: body text and headings
SIZE_4HAO = 14.0  # 四号: page numbers
SIZE_XIAO4 = 12.0  # 小四: notes under tables
SIZE_5HAO = 10.5  # 五号: table text


@dataclass(frozen=True)
class WordFonts:
    """The font family of each part of an official document.

    ``latin`` is used for digits and Latin letters in body text, headings and tables; the page
    number is set entirely in ``page_number``. ``title_bold`` emboldens the title, which makes
    plain 宋体 a passable stand-in for 方正小标宋.
    """

    title: str = "方正小标宋简体"
    body: str = "仿宋_GB2312"
    heading1: str = "黑体"
    heading2: str = "楷体_GB2312"
    table: str = "仿宋_GB2312"
    page_number: str = "宋体"
    latin: str = "Times New Roman"
    title_bold: bool = False

    @classmethod
    def fallback(cls) -> WordFonts:
        """Fonts shipped with every Chinese Windows, for offices without 方正/GB2312 fonts."""
        return cls(
            title="宋体",
            body="仿宋",
            heading1="黑体",
            heading2="楷体",
            table="仿宋",
            page_number="宋体",
            title_bold=True,
        )

    def east_asian_names(self) -> tuple[str, ...]:
        """Every distinct East-Asian font name used, in a stable order."""
        names = (self.title, self.body, self.heading1, self.heading2, self.table, self.page_number)
        return tuple(dict.fromkeys(names))
