"""Decide which old page each new page is, the way a line diff pairs lines.

Pages with equal digests anchor the two sequences (difflib's longest matching
blocks, as for lines).  Between two anchors, the remaining old and new pages are
paired in order where they look alike (text and picture), by the alignment that
maximises the summed similarity.  A page left unpaired that looks like a page
left unpaired on the other side moved there (two pages swapped, a page taken
elsewhere); any other was added or removed.  A pair out of the old order moved.
"""

import difflib
from dataclasses import dataclass

PAIR_AT = 0.45      # least similarity for two pages to be one page changed
BAND = 8            # in a long run of changed pages, a page pairs with one this near its place
WORDY = 100          # characters from which a page's text weighs more than its picture
MAX_PAIRS = 1600     # similarities weighed in one block at most (40 x 40 pages)


@dataclass(frozen=True)
class Step:
    """One entry of the alignment: 1-based page numbers, None on the side that lacks it."""

    old: int | None
    new: int | None
    same: bool = False              # equal digests: identical without looking
    similarity: float | None = None
    moved: bool = False             # out of the old order (a swap, a page taken elsewhere)


def align_pages(old_digests: list, new_digests: list, similarity) -> list[Step]:
    """Align two documents' pages; ``similarity(old_number, new_number)`` -> 0..1 is
    asked only for pages that are not anchored by equal digests."""
    matcher = difflib.SequenceMatcher(None, old_digests, new_digests, autojunk=False)
    steps: list[Step] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            steps += [Step(i + 1, j + 1, same=True) for i, j in zip(range(i1, i2), range(j1, j2))]
        else:
            steps += pair_block(list(range(i1 + 1, i2 + 1)), list(range(j1 + 1, j2 + 1)),
                                similarity)
    return mark_moved(pair_moved(steps, similarity))


def pair_moved(steps: list[Step], similarity) -> list[Step]:
    """Pair a removed page with an added page it looks like (best pairs first): it moved."""
    removed = [s.old for s in steps if s.new is None]
    added = [s.new for s in steps if s.old is None]
    if len(removed) * len(added) > MAX_PAIRS:
        return steps
    scores = sorted(((similarity(o, n), o, n) for o in removed for n in added), reverse=True)
    paired = {}
    for score, old, new in scores:
        if score >= PAIR_AT and old not in paired and new not in paired.values():
            paired[old] = new
    if not paired:
        return steps
    kept = [s for s in steps if s.old not in paired and s.new not in paired.values()]
    kept += [Step(old, new, similarity=similarity(old, new)) for old, new in paired.items()]
    return sorted(kept, key=lambda s: (s.new if s.new is not None else _after(s, steps), s.old or 0))


def _after(step: Step, steps: list[Step]) -> float:
    """Where a removed page sorts among the new pages: just after its predecessor's."""
    before = [s.new for s in steps if s.new is not None and s.old is not None
              and s.old < step.old]
    return max(before, default=0) + 0.5


def mark_moved(steps: list[Step]) -> list[Step]:
    """Pairs off the longest run in the old order moved; so did a pair's partner in a swap."""
    pairs = [s for s in steps if s.old is not None and s.new is not None]
    staying = set(_longest_increasing([s.old for s in pairs]))
    moved = {(s.old, s.new) for s in pairs if s.old not in staying}
    swapped = {(s.old, s.new) for s in pairs if (s.new, s.old) in moved}
    moved |= swapped
    if not moved:
        return steps
    return [Step(s.old, s.new, s.same, s.similarity, True) if (s.old, s.new) in moved else s
            for s in steps]


def _longest_increasing(values: list[int]) -> list[int]:
    """The longest strictly increasing subsequence (patience sorting), earliest on ties."""
    import bisect

    tails, tail_at, parent = [], [], {}
    for index, value in enumerate(values):
        place = bisect.bisect_left(tails, value)
        parent[index] = tail_at[place - 1] if place else None
        if place == len(tails):
            tails.append(value)
            tail_at.append(index)
        else:
            tails[place], tail_at[place] = value, index
    run, index = [], tail_at[-1] if tail_at else None
    while index is not None:
        run.append(values[index])
        index = parent[index]
    return run[::-1]


def pair_block(olds: list[int], news: list[int], similarity) -> list[Step]:
    """Pair pages in order where alike, maximising the summed similarity above PAIR_AT.

    Pages are compared only within a band around the diagonal (``BAND`` pages either
    side of where a page would be if the run had only stretched), in page order: a run
    of 2,000 changed pages asks 2,000 × 17 similarities, not 4 million, and each page's
    look is asked while it is still kept (diff/look.py keeps a few).
    """
    if not olds or not news:
        return [Step(o, None) for o in olds] + [Step(None, n) for n in news]
    scores = {(o, n): similarity(o, n) for o, n in _band(olds, news)}
    best = _best_scores(olds, news, scores)
    return _trace(olds, news, scores, best)


def _band(olds: list, news: list):
    """(old, new) pairs near the diagonal of the block, old page by old page."""
    stretch = len(news) / len(olds)
    width = BAND + abs(len(news) - len(olds))
    for i, old in enumerate(olds):
        middle = round(i * stretch)
        for j in range(max(0, middle - width), min(len(news), middle + width + 1)):
            yield old, news[j]


def _best_scores(olds: list, news: list, scores: dict) -> list[list[float]]:
    rows, cols = len(olds), len(news)
    best = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(1, rows + 1):
        for j in range(1, cols + 1):
            gain = scores.get((olds[i - 1], news[j - 1]), 0.0) - PAIR_AT
            pair = best[i - 1][j - 1] + gain if gain >= 0 else float("-inf")
            best[i][j] = max(best[i - 1][j], best[i][j - 1], pair)
    return best


def _trace(olds: list, news: list, scores: dict, best: list) -> list[Step]:
    steps, i, j = [], len(olds), len(news)
    while i or j:
        score = scores.get((olds[i - 1], news[j - 1])) if i and j else None
        if score is not None and score >= PAIR_AT \
                and abs(best[i][j] - (best[i - 1][j - 1] + score - PAIR_AT)) < 1e-9:
            steps.append(Step(olds[i - 1], news[j - 1], similarity=score))
            i, j = i - 1, j - 1
        elif j and (not i or best[i][j] == best[i][j - 1]):
            steps.append(Step(None, news[j - 1]))
            j -= 1
        else:
            steps.append(Step(olds[i - 1], None))
            i -= 1
    return _removed_first(steps[::-1])


def _removed_first(steps: list[Step]) -> list[Step]:
    """Within a run of unpaired pages, list the removed ones before the added ones."""
    ordered, run = [], []
    for step in steps:
        if step.old is not None and step.new is not None:
            ordered += sorted(run, key=lambda s: s.old is None) + [step]
            run = []
        else:
            run.append(step)
    return ordered + sorted(run, key=lambda s: s.old is None)


def page_similarity(old, new) -> float:
    """How alike two looked-at pages are, 0..1: their text and their picture."""
    picture = picture_similarity(old.signature, new.signature)
    if len(old.text) < 4 and len(new.text) < 4:
        return picture
    text = text_similarity(old.bigrams, new.bigrams)
    if min(len(old.text), len(new.text)) >= WORDY:     # the words say more than the picture,
        return (picture + 3 * text) / 4                 # mirrored for the other spine side
    return (picture + text) / 2


def text_similarity(pairs_a: frozenset, pairs_b: frozenset) -> float:
    """Dice coefficient of two texts' character bigrams (see `bigrams`): order-tolerant,
    cheap, and blind to spaces, so Japanese-safe."""
    total = len(pairs_a) + len(pairs_b)
    return 2 * len(pairs_a & pairs_b) / total if total else 1.0


def picture_similarity(a, b) -> float:
    """1 - (ink that differs) / (ink of both), on tiny grey pictures of the same size."""
    from PIL import ImageChops

    if a.size != b.size:
        b = b.resize(a.size)
    difference = _weighted(ImageChops.difference(a, b).histogram())
    ink = _weighted(a.histogram()[::-1]) + _weighted(b.histogram()[::-1])
    return 1.0 if not ink else max(0.0, 1 - difference / ink)


def _weighted(histogram: list) -> int:
    return sum(value * count for value, count in enumerate(histogram))


def bigrams(text: str) -> frozenset:
    """The pairs of consecutive characters of ``text``."""
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))
