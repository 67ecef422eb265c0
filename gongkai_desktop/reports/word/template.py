"""The base package every official document starts from: python-docx's template, made Chinese.

python-docx's built-in template is an American Word 2010 document: Letter paper, theme fonts
(Calibri/Cambria, with ＭＳ 明朝/ＭＳ ゴシック for East-Asian text), ``themeFontLang`` Japanese,
blue headings, a Word 2010 copy of the styles (``stylesWithEffects.xml``) still on theme fonts,
and a thumbnail. Left alone, Chinese text is drawn with Japanese glyph forms. Here
the defaults and the styles the writer uses get explicit East-Asian fonts, the language becomes
zh-CN, theme font references are removed from every style, the stale parts are dropped, and the
page is set up as GB/T 9704-2012 asks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part, XmlPart
from docx.oxml.ns import qn
from docx.shared import Twips

from . import _ooxml as ox
from .fonts import SIZE_2HAO, SIZE_3HAO, SIZE_4HAO, WordFonts

# Page geometry (GB/T 9704-2012, 5.2): A4, type area 156 mm x 225 mm.
PAGE_WIDTH = 11906  # twips, 210 mm
PAGE_HEIGHT = 16838  # twips, 297 mm
MARGIN_TOP = ox.mm_to_twips(37)
MARGIN_BOTTOM = ox.mm_to_twips(35)
MARGIN_LEFT = ox.mm_to_twips(28)
MARGIN_RIGHT = ox.mm_to_twips(26)
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
TEXT_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
HEADER_DISTANCE = ox.mm_to_twips(15)
# The dash line of the page number sits about 7 mm below the type area (GB/T 9704, 7.5): the
# footer's bottom edge 25 mm above the paper edge puts a 14 pt line's middle near 28 mm.
FOOTER_DISTANCE = ox.mm_to_twips(25)

# 22 lines of 3号 text per page: 28.9 pt exact line height (22 x 28.9 pt fits the 225 mm area).
LINE_PITCH = ox.pt_to_twips(28.9)
LINES_PER_PAGE = 22
# 28 characters of 3号 per line (GB/T 9704, 5.2.2): a pitch of 156 mm / 28 = 15.79 pt.
CHARS_PER_LINE = 28
# The document grid is linesAndChars with that pitch (charSpace is the pitch minus the 16 pt
# default size, in 4096ths of a point), so Word's page set-up reads 28 x 22. Text paragraphs do
# not snap to it: LibreOffice puts each 16 pt character into two 15.79 pt cells when they do,
# halving the line. Instead 3号 text runs are condensed (directly, not in the styles that
# table cells inherit) by 0.3 pt, to 15.7 pt a character: 28 a line in Word and in
# LibreOffice, which keeps a little more room around each character than Word does.
CHAR_SPACE = math.floor((TEXT_WIDTH / 20 / CHARS_PER_LINE - SIZE_3HAO) * 4096)
BODY_CONDENSE = -6  # twips

# Windows names of the fonts the 方正/GB2312 families are usually replaced with.
_ALT_FONT_NAMES = {
    "仿宋_GB2312": "仿宋",
    "楷体_GB2312": "楷体",
    "方正小标宋简体": "宋体",
    "方正小标宋_GBK": "宋体",
    "方正仿宋_GBK": "仿宋",
    "方正楷体_GBK": "楷体",
    "方正黑体_GBK": "黑体",
}

_RT_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"

_THEME_FONT_ATTRS = tuple(
    qn(f"w:{name}") for name in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
)


def _w(tag: str) -> str:
    return qn(f"w:{tag}")


def new_document(fonts: WordFonts) -> Document:
    """A python-docx document with the Chinese defaults, styles and page setup applied."""
    document = docx.Document()
    _drop_stale_parts(document)
    _reset_core_properties(document)
    _fix_settings(document)
    _fix_styles(document, fonts)
    _fix_font_table(document, fonts)
    _set_up_page(document)
    return document


def _drop_stale_parts(document: Document) -> None:
    # stylesWithEffects.xml still carries the template's theme-font styles; the thumbnail is a
    # picture of some other document.
    part = document.part
    for rid, rel in list(part.rels.items()):
        if rel.reltype == _RT_STYLES_WITH_EFFECTS:
            part.drop_rel(rid)
    package = part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rid]


def _reset_core_properties(document: Document) -> None:
    props = document.core_properties
    props.author = ""
    props.last_modified_by = ""
    props.comments = ""
    props.title = ""
    props.revision = 1
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    props.created = now
    props.modified = now


def _fix_settings(document: Document) -> None:
    settings = document.settings
    # Odd pages carry the page number on the right, even pages on the left.
    settings.odd_and_even_pages_header_footer = True
    root = settings.element
    lang = root.find(_w("themeFontLang"))
    if lang is None:
        lang = ox.w_el("themeFontLang")
        root.append(lang)
    lang.set(_w("val"), "en-US")
    lang.set(_w("eastAsia"), "zh-CN")
    # Word 2013+ layout: a table of full text width lines up with the margins.
    for setting in root.iter(_w("compatSetting")):
        if setting.get(_w("name")) == "compatibilityMode":
            setting.set(_w("val"), "15")


def _strip_theme_fonts(styles_root: Any) -> None:
    for rfonts in list(styles_root.iter(_w("rFonts"))):
        for attr in _THEME_FONT_ATTRS:
            rfonts.attrib.pop(attr, None)
        if not rfonts.attrib:
            rfonts.getparent().remove(rfonts)


def _replace_child(parent: Any, new: Any, before: tuple[str, ...]) -> None:
    """Put ``new`` in place of ``parent``'s child of the same tag, or ahead of ``before`` tags."""
    old = parent.find(new.tag)
    if old is not None:
        old.addprevious(new)
        parent.remove(old)
        return
    for tag in before:
        anchor = parent.find(_w(tag))
        if anchor is not None:
            anchor.addprevious(new)
            return
    parent.append(new)


def _fix_styles(document: Document, fonts: WordFonts) -> None:
    root = document.styles.element
    _strip_theme_fonts(root)

    defaults = root.find(_w("docDefaults"))
    body_run = ox.RunFormat(fonts.body, fonts.latin, SIZE_3HAO)
    default_rpr = ox.rpr(body_run)
    # Chinese is the East-Asian language of the document: this decides the glyph forms and the
    # fallback font of any character the named font lacks.
    default_rpr.append(ox.w_el("lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA"))
    rpr_default = defaults.find(_w("rPrDefault"))
    rpr_default.remove(rpr_default.find(_w("rPr")))
    rpr_default.append(default_rpr)
    ppr_default = defaults.find(_w("pPrDefault"))
    ppr_default.remove(ppr_default.find(_w("pPr")))
    ppr_default.append(ox.ppr(ox.ParaFormat(before=0, after=0, line=240, line_rule="auto")))

    body = ox.ParaFormat(
        align="both", line=LINE_PITCH, before=0, after=0, widow_control=False, snap_to_grid=False
    )
    _define_style(root, "Normal", body, body_run)
    heading_run = {
        1: ox.RunFormat(fonts.heading1, fonts.latin, SIZE_3HAO),
        2: ox.RunFormat(fonts.heading2, fonts.latin, SIZE_3HAO),
        3: ox.RunFormat(fonts.body, fonts.latin, SIZE_3HAO, bold=True),
        4: ox.RunFormat(fonts.body, fonts.latin, SIZE_3HAO, bold=True),
    }
    for level, run_fmt in heading_run.items():
        fmt = ox.ParaFormat(
            align="both",
            line=LINE_PITCH,
            before=0,
            after=0,
            first_line_chars=200,
            keep_next=True,
            outline_level=level - 1,
            snap_to_grid=False,
        )
        _define_style(root, f"Heading{level}", fmt, run_fmt)
    title_run = ox.RunFormat(fonts.title, fonts.latin, SIZE_2HAO, bold=fonts.title_bold)
    _define_style(root, "Title", title_paragraph_format(), title_run)
    subtitle_run = ox.RunFormat(fonts.heading2, fonts.latin, SIZE_3HAO)
    subtitle = ox.ParaFormat(align="center", line=LINE_PITCH, snap_to_grid=False)
    _define_style(root, "Subtitle", subtitle, subtitle_run)
    page_run = ox.RunFormat(fonts.page_number, fonts.page_number, SIZE_4HAO)
    _define_style(root, "Footer", footer_paragraph_format("right"), page_run)


def title_paragraph_format() -> ox.ParaFormat:
    """Title lines: centred, exact height so multi-line titles keep even spacing."""
    # 2号 glyphs need more than the body's 28.9 pt; 36 pt keeps them clear of each other.
    return ox.ParaFormat(
        align="center",
        line=ox.pt_to_twips(36),
        before=0,
        after=0,
        keep_next=True,
        snap_to_grid=False,
    )


def footer_paragraph_format(side: str) -> ox.ParaFormat:
    """Page-number paragraph: one character in from the outer edge (GB/T 9704, 7.5)."""
    chars = 100
    return ox.ParaFormat(
        style="Footer",
        align=side,
        line=240,
        line_rule="auto",
        before=0,
        after=0,
        right_chars=chars if side == "right" else None,
        left_chars=chars if side == "left" else None,
        char_twips=ox.pt_to_twips(SIZE_4HAO),
        snap_to_grid=False,
    )


def _define_style(root: Any, style_id: str, para: ox.ParaFormat, run_fmt: ox.RunFormat) -> None:
    style = None
    for candidate in root.iter(_w("style")):
        if candidate.get(_w("styleId")) == style_id:
            style = candidate
            break
    if style is None:
        raise LookupError(f"template lacks style {style_id}")
    # The style's own pStyle would be meaningless: paragraph styles name their base with basedOn.
    new_ppr = ox.ppr(dataclasses.replace(para, style=None))
    _replace_child(style, new_ppr, ("rPr", "tblPr", "trPr", "tcPr", "tblStylePr"))
    _replace_child(style, ox.rpr(run_fmt), ("tblPr", "trPr", "tcPr", "tblStylePr"))


def _as_xml_part(document: Document, reltype: str) -> XmlPart | None:
    """The part related to the main document by ``reltype``, parsed as XML so it can be edited.

    python-docx keeps parts it has no class for (font table, theme) as opaque bytes; a parsed
    copy under the same name and relationship id replaces it.
    """
    main = document.part
    for rid, rel in list(main.rels.items()):
        if rel.reltype != reltype or rel.is_external:
            continue
        target: Part = rel.target_part
        if isinstance(target, XmlPart):
            return target
        parsed = XmlPart.load(target.partname, target.content_type, target.blob, target.package)
        main.drop_rel(rid)
        main.load_rel(reltype, parsed, rid)
        return parsed
    return None


def _fix_font_table(document: Document, fonts: WordFonts) -> None:
    """List the Chinese fonts with their GB2312 charset and common substitutes.

    When a PC lacks, say, 仿宋_GB2312, Word picks a replacement from this table: the charset makes
    it a Chinese font and altName names the usual one (仿宋).
    """
    part = _as_xml_part(document, RT.FONT_TABLE)
    if part is None:
        return
    root = part.element
    for font in list(root.findall(_w("font"))):
        if font.get(_w("name")) in ("ＭＳ 明朝", "ＭＳ ゴシック"):
            root.remove(font)
    listed = {font.get(_w("name")) for font in root.findall(_w("font"))}
    for name in fonts.east_asian_names():
        if name in listed:
            continue
        font = ox.w_el("font", name=name)
        alt = _ALT_FONT_NAMES.get(name)
        if alt:
            font.append(ox.w_el("altName", val=alt))
        font.append(ox.w_el("charset", val="86"))
        font.append(ox.w_el("family", val="auto"))
        font.append(ox.w_el("pitch", val="variable"))
        root.append(font)


def _set_up_page(document: Document) -> None:
    section = document.sections[0]
    section.page_width = Twips(PAGE_WIDTH)
    section.page_height = Twips(PAGE_HEIGHT)
    section.top_margin = Twips(MARGIN_TOP)
    section.bottom_margin = Twips(MARGIN_BOTTOM)
    section.left_margin = Twips(MARGIN_LEFT)
    section.right_margin = Twips(MARGIN_RIGHT)
    section.header_distance = Twips(HEADER_DISTANCE)
    section.footer_distance = Twips(FOOTER_DISTANCE)
    section.gutter = Twips(0)
    sect_pr = document.element.body.sectPr
    grid = sect_pr.find(_w("docGrid"))
    if grid is None:
        grid = ox.w_el("docGrid")
        sect_pr.append(grid)
    grid.attrib.clear()
    grid.set(_w("type"), "linesAndChars")
    grid.set(_w("linePitch"), str(LINE_PITCH))
    grid.set(_w("charSpace"), str(CHAR_SPACE))
