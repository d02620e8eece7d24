"""speedups.py: WeasyPrint remembers preferred widths, and lays out exactly the same."""

import json
import os
from collections import Counter

import pytest

from pamphlet.engine import speedups
from pamphlet.engine.layout import prepare
from utils import ROOT

TEXT = ("出入国在留管理庁は、日本と世界をつなぐ最前線で、安全・安心な社会の実現に取り組んでいます。"
        "「外国人との共生社会」の実現へ――令和6年（2024年）の入国者数は約4,034万人。"
        "Immigration Services Agency of Japan, 1,234,567,890,123,456,789 people…。")
LONG_WORD = "Supercalifragilisticexpialidocious" * 2
HTML = f"""<!DOCTYPE html><html lang="ja"><head><style>
@font-face {{ font-family: G; src: url("fonts/BIZUDGothic-Regular.ttf"); }}
@page {{ size: A5; margin: 10mm; }}
body {{ font-family: G; font-size: 9pt; }}
.row {{ display: flex; gap: 3mm; }} .row > * {{ flex: 1 1 auto; }}
.card {{ display: flex; flex-direction: column; border: 1px solid; }}
.float {{ float: left; width: 40%; }} .chip {{ display: inline-block; border: 1px solid; }}
.grid {{ display: grid; grid-template-columns: auto min-content max-content 1fr; gap: 2mm; }}
</style></head><body>
<div class="row"><div class="card"><p>{TEXT}</p>
  <div class="row"><span class="chip">入れ子の{TEXT[:12]}</span><div>{TEXT}</div></div></div>
  <div class="card"><p>{TEXT * 2}</p></div></div>
<table><tr><td>{TEXT}</td><td>令和7年度 123人</td><td>{TEXT[:20]}</td></tr></table>
<div class="float">{TEXT}</div><p>{TEXT * 3} <span class="chip">{TEXT[:8]}</span></p>
<div class="row"><div class="card">{LONG_WORD}</div><div class="card">{"、。」』" * 12}</div>
  <div class="card" style="white-space: nowrap">{TEXT}</div></div>
<div class="grid"><div>{TEXT}</div><div>{TEXT[:20]}</div><p>{TEXT[:30]}</p><div>{TEXT}</div></div>
</body></html>"""


@pytest.fixture()
def layout(tmp_path):
    prepare(tmp_path)
    import weasyprint
    from weasyprint.layout import preferred

    calls = []
    original = preferred.inline_line_widths

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    preferred.inline_line_widths = counting

    def run() -> tuple[bytes, int]:
        calls.clear()
        pdf = weasyprint.HTML(string=HTML, base_url=f"{ROOT}/").write_pdf()
        return pdf, len(calls)

    yield run
    preferred.inline_line_widths = original
    speedups.install()


def test_remembered_widths_lay_out_the_same_pdf_with_less_work(layout):
    speedups.install()
    fast, fast_calls = layout()
    speedups.uninstall()
    plain, plain_calls = layout()
    assert fast == plain
    assert fast_calls < plain_calls


def test_each_box_is_measured_once_whichever_module_asks(tmp_path):
    # flex.py and grid.py ask for the widths of their items again and again, through
    # their own references to preferred.py's functions, as preferred.py does itself.
    prepare(tmp_path)
    speedups.uninstall()
    plain = _measured(HTML)
    speedups.install()
    remembered = _measured(HTML)
    assert {name for (name, *_), times in plain.items() if times > 1} == set(NAMES)
    assert len(remembered) == len(plain)          # the same boxes measured, ...
    assert [key for key, times in remembered.items() if times > 1] == []   # ... once each


NAMES = ("min_content_width", "max_content_width")


def _measured(html: str) -> Counter:
    """How often WeasyPrint's own min- and max-content width ran, per (function, box,
    outer), while ``html`` was laid out (seen by a profiler: nothing is replaced)."""
    import sys

    import weasyprint
    from weasyprint.layout import preferred

    counts = Counter()

    def profile(frame, event, arg):
        code = frame.f_code
        if event == "call" and code.co_name in NAMES and code.co_filename == preferred.__file__:
            counts[code.co_name, frame.f_locals["box"], frame.f_locals["outer"]] += 1

    sys.setprofile(profile)
    try:
        weasyprint.HTML(string=html, base_url=f"{ROOT}/").render()
    finally:
        sys.setprofile(None)
    return counts


def test_install_is_idempotent_and_uninstall_restores_weasyprint():
    from weasyprint.layout import flex, preferred
    speedups.install()
    speedups.install()
    assert flex.min_content_width is preferred.min_content_width
    for function in (preferred.min_content_width, preferred.split_first_line):
        assert hasattr(function, "__wrapped__")
        assert not hasattr(function.__wrapped__, "__wrapped__")
    speedups.uninstall()
    assert not hasattr(preferred.min_content_width, "__wrapped__")
    assert not hasattr(preferred.split_first_line, "__wrapped__")
    assert flex.min_content_width is preferred.min_content_width
    speedups.install()



# In a fresh interpreter, where no other box is alive: the boxes alive after each layout.
FORGETTING = r"""
import gc, json, sys
from pathlib import Path
import weasyprint
from weasyprint.formatting_structure.boxes import Box
from pamphlet.engine.layout import prepare
from engine.test_speedups import HTML

def boxes():
    gc.collect()
    return sum(isinstance(o, Box) for o in gc.get_objects())

prepare(Path(sys.argv[1]))
alive = []
for _ in range(2):
    document = weasyprint.HTML(string=HTML, base_url=sys.argv[2]).render()
    document.write_pdf()
    alive.append(boxes() > 0)
    del document
    alive.append(boxes())
print(json.dumps(alive))
"""


def test_a_document_laid_out_leaves_none_of_its_boxes_remembered(tmp_path):
    # Each box measured is remembered with its width: kept past its layout, a
    # definition's boxes would stay alive until the next one is laid out, and with
    # nothing forgetting them, for the rest of the build.
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", FORGETTING, tmp_path, f"{ROOT}/"],
                            capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(
                                [str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")])})
    assert json.loads(result.stdout) == [True, 0, True, 0]
