"""The two per-chat memories: erase ids and flood counts. Both forget on their own."""

from __future__ import annotations

import random

from bot.menus.erase_memory import BATCH, ERASABLE_SECONDS, WALK_BACK, EraseMemory
from bot.menus.flood import MAX_RUNS, FloodGuard, Held, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def flatten(batches: list[list[int]]) -> list[int]:
    return [i for batch in batches for i in batch]


def test_without_memory_erase_walks_back_a_fixed_window() -> None:
    memory = EraseMemory()
    batches = memory.batches(chat_id=1, newest=2500)
    assert all(len(b) <= BATCH for b in batches)
    assert flatten(batches) == list(range(2500, 2500 - WALK_BACK, -1))
    assert flatten(memory.batches(chat_id=1, newest=7)) == [7, 6, 5, 4, 3, 2, 1]
    memory.saw(1, 2400)  # known since id 2400: the walk goes a full window below it
    assert flatten(memory.batches(1, newest=2500))[-1] == 2400 - WALK_BACK + 1


def test_memory_extends_the_walk_to_everything_seen() -> None:
    memory = EraseMemory()
    memory.saw(5, 3)
    memory.saw(5, 4000)
    ids = flatten(memory.batches(5, newest=3990))
    assert ids[0] == 4000 and ids[-1] == 1 and len(ids) == 4000
    assert len(set(ids)) == len(ids)


def test_memory_is_dropped_after_48_hours() -> None:
    clock = Clock()
    memory = EraseMemory(clock)
    memory.saw(9, 10)
    assert memory.highest(9) == 10 and len(memory) == 1
    clock.now += ERASABLE_SECONDS + 5
    assert memory.highest(9) is None and len(memory) == 0


def test_the_erase_memory_is_tidied_once_a_second_as_soon_as_it_is_due() -> None:
    """Tidying up passes over every chat: at most once a second, and not a moment later."""
    clock = Clock()
    memory = EraseMemory(clock)
    memory.saw(1, 10)  # tidied at 1000
    clock.now = 1000 + ERASABLE_SECONDS - 0.5
    memory.saw(2, 5)  # tidied, nothing old enough yet: the next is due half a second past 48 h
    clock.now = 1000 + ERASABLE_SECONDS + 0.2  # chat 1's id is 48 hours old...
    assert len(memory) == 2  # ...but the next tidy-up is not due
    clock.now = 1000 + ERASABLE_SECONDS + 0.5
    assert len(memory) == 1  # due this very moment: chat 1 goes


def test_flood_guard_warns_once_then_ignores_for_a_while() -> None:
    clock = Clock()
    guard = FloodGuard(clock=clock)  # as the bot has it: 20 updates in 10 seconds, then 30 quiet
    verdicts = []
    for _ in range(25):
        verdicts.append(guard.check(1))
        clock.now += 0.1
    assert verdicts[:20] == [Verdict.ALLOW] * 20
    assert verdicts[20] is Verdict.WARN
    assert verdicts[21:] == [Verdict.IGNORE] * 4
    assert guard.check(2) is Verdict.ALLOW  # another chat is not slowed
    clock.now += 31
    assert guard.check(1) is Verdict.ALLOW


def test_what_she_writes_may_come_faster_than_taps_but_not_without_end() -> None:
    """A phone back online sends all she wrote at once: forty of her messages in ten seconds
    pass, where twenty-one taps would pause the chat; the forty-first is a flood all the same,
    and taps after her words are still held to their own limit."""
    clock = Clock()
    guard = FloodGuard(clock=clock)
    verdicts = [guard.check(1, words=True) for _ in range(41)]
    assert verdicts[:40] == [Verdict.ALLOW] * 40
    assert verdicts[40] is Verdict.WARN
    other = FloodGuard(clock=clock)
    for _ in range(15):
        assert other.check(2, words=True) is Verdict.ALLOW
    assert [other.check(2) for _ in range(6)][-1] is Verdict.WARN  # 21 updates, the last a tap


def test_a_tap_leaves_the_window_and_a_pause_ends_at_their_second() -> None:
    """A tap counts for ten seconds, to the second; thirty seconds after the warning the chat
    is heard again."""
    clock = Clock()
    guard = FloodGuard(clock=clock)
    assert {guard.check(1) for _ in range(19)} == {Verdict.ALLOW}
    clock.now += 5
    assert guard.check(1) is Verdict.ALLOW  # the twentieth
    clock.now += 5
    assert guard.check(1) is Verdict.ALLOW  # the nineteen are ten seconds old: gone
    assert {guard.check(1) for _ in range(18)} == {Verdict.ALLOW}
    assert guard.check(1) is Verdict.WARN  # twenty-one within the window
    clock.now += 29.5
    assert guard.check(1) is Verdict.IGNORE
    clock.now += 0.5
    assert guard.check(1) is Verdict.ALLOW


def test_the_flood_memory_is_tidied_once_a_second_as_soon_as_it_is_due() -> None:
    """Tidying up passes over every chat: at most once a second, and not a moment later."""
    clock = Clock()
    guard = FloodGuard(clock=clock)
    guard.check(2)  # tidied at 1000: the next tidy-up is due at 1001
    clock.now = 1009.5
    guard.check(3)  # tidied, nothing quiet for long enough yet: the next is due at 1010.5
    clock.now = 1010.2  # chat 2 has been quiet for ten seconds...
    guard.check(3)
    assert len(guard) == 2  # ...but the next tidy-up is not due
    clock.now = 1010.5
    guard.check(3)
    assert len(guard) == 1  # due this very moment: chat 2 goes


def test_a_chat_is_forgotten_when_its_window_or_its_pause_is_over_to_the_moment() -> None:
    clock = Clock()
    guard = FloodGuard(clock=clock)
    guard.check(9)  # tidied at 1000: the next tidy-up is due at 1001
    clock.now = 1000.5
    guard.check(2)  # her last tap: kept until 1010.5
    assert [guard.check(5) for _ in range(21)][-1] is Verdict.WARN  # paused until 1030.5
    clock.now = 1010.5
    guard.check(9)
    assert len(guard) == 2  # chat 2 is gone; the paused chat 5 and chat 9 are kept
    clock.now = 1030.5
    guard.check(9)
    assert len(guard) == 1  # chat 5's pause is over


def test_flood_guard_allows_a_steady_person_and_forgets_quiet_chats() -> None:
    clock = Clock()
    guard = FloodGuard(clock=clock)
    for _ in range(200):
        assert guard.check(1) is Verdict.ALLOW
        clock.now += 0.6
    for chat in range(2, 50):
        guard.check(chat)
    clock.now += 60
    guard.check(1)
    assert len(guard) == 1


def test_an_active_chat_is_remembered_past_48_hours_from_its_start() -> None:
    clock = Clock()
    memory = EraseMemory(clock)
    memory.saw(9, 10)
    clock.now += ERASABLE_SECONDS - 60
    memory.saw(9, 11)  # she came back just before two days were up
    clock.now += 3600
    assert memory.highest(9) == 11


def test_an_id_is_kept_at_most_48_hours_after_it_was_sent() -> None:
    clock = Clock()
    memory = EraseMemory(clock)
    memory.saw(9, 5000)
    clock.now += 3600
    memory.saw(9, 7000)  # an hour later, a newer message
    clock.now = 1000.0 + ERASABLE_SECONDS + 1  # the first is 48 hours and a second old
    assert memory.highest(9) == 7000
    # Id 5000 is no longer known, so the walk goes its fixed window below 7000 only.
    assert flatten(memory.batches(9, newest=7000))[-1] == 7000 - WALK_BACK + 1


def test_an_id_goes_at_exactly_48_hours_as_an_id_that_old_is_never_taken() -> None:
    """Telegram's limit is 48 hours: at that second an id is as useless as one never kept."""
    clock = Clock()
    memory = EraseMemory(clock)
    memory.saw(9, 5000)
    clock.now += ERASABLE_SECONDS - 1
    assert memory.highest(9) == 5000
    clock.now += 1
    assert memory.highest(9) is None and len(memory) == 0
    memory.saw(9, 5001, sent_at=clock.now - ERASABLE_SECONDS)  # the same age, refused
    assert len(memory) == 0  # not kept even until the next tidy-up, a second later
    assert memory.highest(9) is None


def test_a_message_sent_over_48_hours_ago_is_not_kept_at_all() -> None:
    clock = Clock()
    memory = EraseMemory(clock)
    clock.now += ERASABLE_SECONDS + 100
    memory.saw(9, 10, sent_at=clock.now - ERASABLE_SECONDS - 1)  # a tap on an old screen
    assert memory.highest(9) is None and len(memory) == 0
    memory.saw(9, 11, sent_at=clock.now - 60)
    assert memory.highest(9) == 11


def test_a_busy_chat_keeps_a_small_memory() -> None:
    clock = Clock()
    memory = EraseMemory(clock)
    for n in range(10_000):  # a message every minute for almost a week
        memory.saw(9, n + 1)
        clock.now += 60
    assert len(memory._chats[9]) <= 50  # hourly spans over two days, not ten thousand ids
    assert memory.highest(9) == 10_000


def test_a_warning_owed_by_an_update_that_may_not_answer_falls_to_the_next() -> None:
    clock = Clock()
    guard = FloodGuard(limit=3, window=10, pause=30, clock=clock)
    verdicts = [guard.check(1, may_warn=False) for _ in range(5)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.IGNORE] * 2
    assert guard.check(1) is Verdict.WARN
    assert guard.check(1) is Verdict.IGNORE


def test_held_messages_are_kept_as_runs_and_deleted_in_batches() -> None:
    guard = FloodGuard()
    assert guard.hold_message(1, 10) is True  # the first: a tidy-up is due
    assert [guard.hold_message(1, i) for i in (12, 11, 30, 31, 5)] == [False] * 5
    guard.deleted(1, 29, 40)  # an erase deleted these already
    held = guard.take_held(1)
    assert held is not None and flatten(list(held.batches())) == [12, 11, 10, 5]
    assert guard.take_held(1) is None
    scattered = list(range(1, 1001, 2))
    for i in reversed(scattered):  # out of order, as shed and ignored updates come
        guard.hold_message(2, i)
    held = guard.take_held(2)
    assert held is not None and len(held.runs) < 50  # not one entry per message
    ids = flatten(list(held.batches()))
    assert set(scattered) <= set(ids) and ids == sorted(ids, reverse=True)
    assert all(len(b) <= BATCH for b in held.batches())


def test_only_the_newest_held_tap_is_answered() -> None:
    guard = FloodGuard()
    assert guard.hold_tap(1, "b", order=7) is True
    guard.hold_tap(1, "a", order=3)  # an older tap, held later
    guard.hold_tap(1, "c", order=9)
    held = guard.take_held(1)
    assert held is not None and held.tap == "c"


def test_a_held_tap_outlives_the_erase_of_the_held_messages() -> None:
    guard = FloodGuard()
    guard.hold_tap(1, "t", order=5)
    guard.hold_message(1, 10)
    guard.deleted(1, 1, 20)  # her messages are gone, the tap still waits for its answer
    held = guard.take_held(1)
    assert held is not None and (held.runs, held.tap) == ([], "t")
    guard.hold_message(2, 10)
    guard.deleted(2, 1, 20)  # nothing is left to tidy up: the chat is forgotten
    assert guard.take_held(2) is None


def blocks(ids: set[int]) -> list[tuple[int, int]]:
    """The ids as maximal runs of consecutive numbers, lowest first."""
    found: list[tuple[int, int]] = []
    for i in sorted(ids):
        if found and found[-1][1] == i - 1:
            found[-1] = (found[-1][0], i)
        else:
            found.append((i, i))
    return found


def test_held_ids_are_exactly_what_was_held_in_as_few_runs_as_they_make() -> None:
    """However her messages arrive, and whatever an erase deleted meanwhile, the tidy-up
    deletes each held id once and nothing else, and memory holds one run per block."""
    rng = random.Random(20261130)
    for _ in range(300):
        held, expected = Held(), set()
        for _ in range(rng.randint(1, 40)):
            if expected and rng.random() < 0.2:
                low = rng.randint(0, 62)
                high = rng.randint(low, 63)
                held.drop_messages(low, high)
                expected -= set(range(low, high + 1))
            else:
                message_id = rng.randint(1, 60)
                if len(blocks(expected | {message_id})) > MAX_RUNS:
                    continue  # joining runs is tested below
                held.add_message(message_id)
                expected.add(message_id)
            assert held.runs == blocks(expected)
        assert flatten(list(held.batches())) == sorted(expected, reverse=True)


def test_beyond_the_run_limit_the_closest_two_runs_are_joined() -> None:
    def held_in_order(runs: list[tuple[int, int]]) -> Held:
        held = Held()
        for first, last in runs:
            for message_id in range(first, last + 1):
                held.add_message(message_id)
        return held

    singles = [(i, i) for i in (10, 20, 30, 40, 50, 60)]
    later = [(i, i) for i in (90, 100, 110, 120, 123, 140, 150, 160, 170)]
    # 17 runs: 72 to 74 is the closest gap (120 to 123 the next), in the middle.
    held = held_in_order([*singles, (70, 72), (74, 76), *later])
    assert held.runs == [*singles, (70, 76), *later]
    assert len(held.runs) == MAX_RUNS
    assert 73 in flatten(list(held.batches()))  # the id between is taken in

    # And when the closest two are the newest ones.
    held = held_in_order([(i, i) for i in range(10, 170, 10)] + [(162, 162)])
    assert held.runs == [(i, i) for i in range(10, 160, 10)] + [(160, 162)]


def test_forgetting_a_chat_drops_its_ids_and_an_unknown_chat_is_no_error() -> None:
    memory = EraseMemory()
    memory.saw(9, 10)
    memory.saw(8, 20)
    memory.forget(9)
    memory.forget(7)  # never seen
    assert memory.highest(9) is None and memory.highest(8) == 20 and len(memory) == 1


def test_ids_go_at_48_hours_to_the_second_even_between_tidy_ups() -> None:
    """The whole memory is tidied at most once a second; a chat that is erased in between
    still has nothing past 48 hours."""
    clock = Clock()
    memory = EraseMemory(clock)
    memory.saw(9, 10, sent_at=clock.now - ERASABLE_SECONDS + 0.5)  # tidied up just now
    clock.now += 0.6  # the message is now over 48 hours old; the next tidy-up is not due
    assert flatten(memory.batches(9, newest=30)) == list(range(30, 0, -1))  # a plain walk
    assert memory.highest(9) is None and len(memory) == 0
