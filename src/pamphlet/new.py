"""Decide what a new brochure folder holds: `pamphlet new DIR` writes one on the kit's layouts."""

import os
import re
from pathlib import Path

from .diagnostics import Diagnostic, PamphletError
from .spec import BINDINGS, SIDES, SIZES

KIT = Path(__file__).resolve().parents[2]       # the layouts, fonts and profile pamphlet ships
CUSTOM = re.compile(r"^(\d+(?:\.\d+)?)\s*[x×]\s*(\d+(?:\.\d+)?)\s*mm$", re.I)
SMALLEST, LARGEST = 90.0, 420.0                 # mm: the trims the kit's layouts are made for


def add_arguments(parser) -> None:
    parser.add_argument("folder", metavar="DIR", type=Path, help="the folder to create (empty or new)")
    parser.add_argument("--size", default="A5",
                        help="the trim: A4, A5, B5, B6 (any of " + ", ".join(SIZES) +
                             ") or WIDTHxHEIGHTmm, e.g. 100x150mm (default A5)")
    parser.add_argument("--binding", default="saddle-stitch", choices=BINDINGS[:2],
                        help="saddle-stitch (中綴じ, default) or perfect (無線綴じ)")
    parser.add_argument("--side", default="left", choices=SIDES,
                        help="the binding side: left (左綴じ, default) or right (右綴じ)")


def command(args) -> int:
    """`pamphlet new`: write the brochure, say what to do next."""
    written = new_brochure(args.folder, args.size, args.binding, args.side)
    print(f"pamphlet: wrote {len(written)} files in {args.folder}; next: "
          f"make pdf BROCHURE={args.folder}")
    return 0


def new_brochure(folder: Path, size: str = "A5", binding: str = "saddle-stitch",
                 side: str = "left") -> list[Path]:
    """Write a brochure of 8 pages on the kit's layouts into ``folder`` (new or empty):
    brochure.yaml, theme.yaml, pages/*.yaml and data/figures.yaml. It builds and passes
    `pamphlet check` as it is. Returns the files written."""
    width, height = trim_of(size)
    _check_folder(folder)
    files = {"brochure.yaml": _brochure_yaml(folder, width, height, binding, side),
             "theme.yaml": THEME, "data/figures.yaml": FIGURES}
    files.update({f"pages/{name}.yaml": text for name, text in _pages(side).items()})
    written = []
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def trim_of(size: str) -> tuple[float, float]:
    """``A5`` -> (148, 210); ``100x150mm`` -> (100, 150); anything else is an error."""
    named = {name.lower(): mm for name, mm in SIZES.items()}
    if size.lower() in named:
        return named[size.lower()]
    match = CUSTOM.match(size.strip())
    if not match:
        raise PamphletError(Diagnostic(
            f"--size {size!r} is not a trim", hint="write A4, A5, B5, B6 or WIDTHxHEIGHTmm, "
            "e.g. --size 100x150mm"))
    width, height = float(match[1]), float(match[2])
    if not (SMALLEST <= width <= LARGEST and SMALLEST <= height <= LARGEST):
        raise PamphletError(Diagnostic(
            f"--size {size}: the kit's layouts are made for trims from {SMALLEST:g} to "
            f"{LARGEST:g} mm a side", hint="choose a trim in that range, e.g. --size 100x150mm"))
    return width, height


def _check_folder(folder: Path) -> None:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise PamphletError(Diagnostic(
            f"{folder} already exists and is not an empty folder", folder,
            hint="name a new folder: pamphlet new never writes over a brochure"))


def _kit_path(folder: Path, *parts: str) -> str:
    """The kit's file as brochure.yaml names it: relative to the brochure folder."""
    return Path(os.path.relpath(KIT.joinpath(*parts), folder.resolve())).as_posix()


def _brochure_yaml(folder: Path, width: float, height: float, binding: str, side: str) -> str:
    return f"""# The pamphlet: what it is, how it is bound, and its page definitions in order.
# Each page definition (pages/NAME.yaml) names a layout of the kit (docs/kit.md)
# and fills its fields. Page numbers, the contents and page references follow.
title: まちの文化祭 2026
publisher: まちの文化祭実行委員会
language: ja
date: 2026-04-01
trim: {{width: {width:g}mm, height: {height:g}mm}}
bleed: 3mm
binding: {binding}              # saddle-stitch (a multiple of 4 pages) or perfect
side: {side}                       # left (左綴じ) or right (右綴じ)
layouts: {_kit_path(folder, 'layouts')}
fonts: {_kit_path(folder, 'fonts')}
output_profile: {_kit_path(folder, 'color', 'FOGRA39L-pamphlet.icc')}
pages:
  - cover
  - contents
  - greeting
  - programme
  - figures
  - faq
  - access
  - back-cover
"""


THEME = """# The pamphlet's look. Every value not named here comes from the kit's
# layouts/theme.yaml (see docs/kit.md). Colours: [C, M, Y, K] in percent.
palette:
  primary: [85, 20, 60, 10]      # areas and large type
  primary-type: [85, 0, 60, 0]   # the primary for type under 9 pt: two inks at most
  deep: [90, 40, 70, 40]
  secondary: [60, 0, 45, 0]
  light: [30, 0, 0, 0]           # one ink: thin rules in it print in register
  tint: [10, 0, 8, 0]
  accent: [0, 60, 90, 0]
type:
  body-size: 8.8pt
spacing:
  outer: 14mm
screen:                          # the screen edition's look of colours too light to read (WCAG 2.2)
  primary: "#0d7968"   # #0f8a76 4.27:1 on white -> 5.31:1
  primary-type: "#007b62"   # #00a685 3.09:1 on white -> 5.24:1
  secondary: "#427564"   # #6dc0a4 2.16:1 on white -> 5.30:1
  accent: "#a35721"   # #f08031 2.68:1 on white -> 5.33:1
  muted: "#6d6c6c"   # #8a8989 3.49:1 on white -> 5.23:1
"""

FIGURES = """# The figures of the statistics page: NAME: {label, points: {KEY: NUMBER}}.
visitors:
  label: 来場者数
  points: {2022: 12400, 2023: 15800, 2024: 19300, 2025: 23600}
shops:
  label: 参加店舗
  points: {2022: 35, 2023: 41, 2024: 52, 2025: 63}
"""


def _pages(side: str) -> dict[str, str]:
    vertical = "true" if side == "right" else "false"
    return {
        "cover": f"""layout: cover
kicker: 2026 SPRING
title: "まちの\\n文化祭"
subtitle: 二日間、商店街がまるごと会場に。
date_line: 2026.5.16 — 5.17
vertical: {vertical}             # true: the title set vertically (縦組)
""",
        "contents": """layout: contents
groups:                            # entries come from the pages' toc: keys
  - {id: guide, title: ご案内}
""",
        "greeting": """layout: text-page
toc:
  - {group: guide, entry: ごあいさつ, heading: ごあいさつ}
eyebrow: GREETING
title: ごあいさつ
lead: 商店街の{軒先|のきさき}が、二日間だけ舞台に、教室になります。
columns: 1
body:
  - 今年で十回目を迎える「まちの文化祭」。パン屋さんの酵母教室、写真館の古いカメラ展、和菓子屋さんの練り切り体験。どれも、ふだんの仕事の延長にある小さな発表です。
  - 地図を片手に、どうぞゆっくりとまちを巡ってください。プログラムは[[p:programme]]をご覧ください。
""",
        "programme": """layout: timeline
toc:
  - {group: guide, entry: プログラム, heading: プログラム}
eyebrow: PROGRAM
title: プログラム
events:
  - {date: "10:00", title: 開会式, body: 駅前広場のステージで。}
  - {date: "11:00", title: まち歩きツアー, body: 路地の歴史を歩く60分。}
  - {date: "13:00", title: ワークショップ, body: 各店舗で随時。}
  - {date: "15:00", title: 子ども音楽会, highlight: true}
  - {date: "17:00", title: 閉会}
""",
        "figures": """layout: statistics
toc:
  - {group: guide, entry: 数字で見る文化祭, heading: 数字で見る文化祭}
eyebrow: DATA
title: 数字で見る文化祭
data: data/figures.yaml
columns: 1
charts:
  - {kind: bar, title: 来場者数, series: [visitors], unit: 人, suffix: 年, height: 40}
  - {kind: number, title: 今年の参加店舗, series: [shops], unit: 店, suffix: 年, height: 30}
""",
        "faq": """layout: qa
toc:
  - {group: guide, entry: よくある質問, heading: よくある質問}
title: よくある質問
items:
  - q: 入場料はかかりますか？
    a: [入場は無料です。]
  - q: 雨の日は？
    a: [雨天決行です。屋外のプログラムは商店会館に移ります。]
""",
        "access": """layout: access
toc:
  - {group: guide, entry: アクセス, heading: アクセス}
title: アクセス
map_height: 50
roads:
  - {name: 中央本線, kind: rail, at: 25}
  - {name: 本町通り, at: 65}
places:
  - {name: 本町駅, kind: station, x: 30, y: 25}
  - {name: 商店会館, kind: venue, x: 55, y: 65}
address: "商店会館（案内所）\\n本町2-3-4"
transport:
  - {label: 電車, value: 本町駅から徒歩3分}
""",
        "back-cover": """layout: back-cover
message: また来年、このまちで。
contacts:
  - {label: TEL, value: 03-1234-5678}
  - {label: MAIL, value: info@example.jp}
url: https://example.jp/
colophon: 発行　2026年4月1日
""",
    }
