"""Pages are aligned like lines in a diff: identical ones anchor, alike ones pair."""

from pamphlet.diff.align import align_pages, picture_similarity, text_similarity, bigrams


def steps(old: str, new: str, alike: dict | None = None) -> list[tuple]:
    """Align pages named by letters: equal letters are identical pages; ``alike``
    maps (old letter, new letter) to a similarity (default 0)."""
    alike = alike or {}
    asked = []

    def similarity(o, n):
        asked.append((old[o - 1], new[n - 1]))
        return alike.get((old[o - 1], new[n - 1]), 0.0)

    aligned = align_pages(list(old), list(new), similarity)
    for pair in asked:
        assert pair[0] != pair[1], f"identical pages {pair} were compared"
    return [(s.old, s.new, "same" if s.same else "pair" if s.old and s.new else
             "added" if s.new else "removed") for s in aligned]


def test_identical_documents_align_page_by_page():
    assert steps("abcd", "abcd") == [(1, 1, "same"), (2, 2, "same"), (3, 3, "same"),
                                     (4, 4, "same")]


def test_an_inserted_page_does_not_shift_the_others():
    assert steps("abcd", "abXcd") == [(1, 1, "same"), (2, 2, "same"), (None, 3, "added"),
                                      (3, 4, "same"), (4, 5, "same")]


def test_a_removed_page_does_not_shift_the_others():
    assert steps("abcd", "acd") == [(1, 1, "same"), (2, None, "removed"), (3, 2, "same"),
                                    (4, 3, "same")]


def test_changed_pages_pair_with_the_pages_they_resemble():
    # b and c changed (B, C) while X was inserted between them.
    alike = {("b", "B"): 0.9, ("c", "C"): 0.8, ("b", "X"): 0.2, ("c", "X"): 0.3}
    assert steps("abcd", "aBXCd", alike) == [
        (1, 1, "same"), (2, 2, "pair"), (None, 3, "added"), (3, 4, "pair"), (4, 5, "same")]


def test_a_page_unlike_any_other_is_removed_and_added():
    assert steps("abc", "aXc") == [(1, 1, "same"), (2, None, "removed"), (None, 2, "added"),
                                   (3, 3, "same")]


def test_text_similarity_ignores_order_of_words_not_their_characters():
    assert text_similarity(bigrams("はじまりの章です"), bigrams("はじまりの章です")) == 1.0
    assert text_similarity(bigrams("はじまりの章"), bigrams("おわりの章")) > 0.3
    assert text_similarity(bigrams("はじまり"), bigrams("付録です")) == 0.0


def test_picture_similarity_compares_the_ink():
    from PIL import Image, ImageDraw

    blank = Image.new("L", (24, 34), 255)
    left, right = blank.copy(), blank.copy()
    ImageDraw.Draw(left).rectangle((2, 2, 10, 30), fill=0)
    ImageDraw.Draw(right).rectangle((13, 2, 21, 30), fill=0)
    assert picture_similarity(left, left) == 1.0
    assert picture_similarity(left, right) == 0.0
    assert picture_similarity(blank, blank) == 1.0


def test_a_long_run_of_changed_pages_is_compared_near_the_diagonal_only():
    """2,000 pages all changed (each like its old self): paired in order, with each page
    compared to at most 17 others, not to all 2,000."""
    from pamphlet.diff.align import BAND

    asked = []

    def similarity(o, n):
        asked.append((o, n))
        return 0.9 if o == n else 0.1

    steps = align_pages([f"o{i}" for i in range(2000)], [f"n{i}" for i in range(2000)],
                        similarity)
    assert [(s.old, s.new) for s in steps] == [(i, i) for i in range(1, 2001)]
    assert len(asked) <= 2000 * (2 * BAND + 1)
    assert max(abs(o - n) for o, n in asked) <= BAND


def test_a_page_inserted_in_a_long_changed_run_is_still_found():
    def similarity(o, n):           # new page 51 is new; the others shifted by one after it
        return 0.9 if n == o or (n > 51 and n == o + 1) else 0.1

    steps = align_pages([f"o{i}" for i in range(100)], [f"n{i}" for i in range(101)],
                        similarity)
    assert (None, 51) in [(s.old, s.new) for s in steps]
    assert [(s.old, s.new) for s in steps if s.old and s.new][-1] == (100, 101)
