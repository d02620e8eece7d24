"""workers.py: tasks on every core in forked workers, and one piece of work beside."""

import gc

from pamphlet import workers


def test_forking_leaves_a_frozen_heap_frozen_and_thaws_its_own():
    # A resident's child (resident.py) inherits its resident's heap frozen: the parts'
    # workers and the screen merge's process must not thaw it when they are done.
    assert gc.get_freeze_count() == 0
    assert sorted(workers.run([1, 2, 3], abs, 2)) == [1, 2, 3]
    with workers.beside(lambda: 5, 2, "adding") as beside:
        assert beside.result() == 5
    assert gc.get_freeze_count() == 0                     # what they froze, thawed
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert sorted(workers.run([1, 2, 3], abs, 2)) == [1, 2, 3]
        with workers.beside(lambda: 5, 2, "adding") as beside:
            assert beside.result() == 5
        assert gc.get_freeze_count() > frozen // 2 > 0     # the inherited freeze stays
    finally:
        gc.unfreeze()
