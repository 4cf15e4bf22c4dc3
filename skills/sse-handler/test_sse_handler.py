"""CPython tests of sse-handler (python3 -m unittest). The same cases run through Switchboard under GraalPy."""

import json
import os
import random
import unittest

from sse_handler import handle, normalize_priority, normalize_type, iso_timestamp, parse_iso, utc_from_common_iso

HERE = os.path.dirname(os.path.abspath(__file__))


class Cases(unittest.TestCase):
    """Input/output pairs kept in cases.json, so the GraalPy run can compare exactly the same."""

    def test_every_case(self):
        with open(os.path.join(HERE, "cases.json"), encoding="utf-8") as f:
            cases = json.load(f)
        self.assertGreater(len(cases), 5)
        for case in cases:
            with self.subTest(case["name"]):
                self.assertEqual(handle(case["input"]), case["output"])


class Normalization(unittest.TestCase):

    def test_types_map_case_insensitively_and_unknown_ones_pass_normalized(self):
        self.assertEqual(normalize_type("MASTERY_UPDATED"), ("mastery-update", True))
        self.assertEqual(normalize_type("feedback-posted"), ("feedback", True))
        self.assertEqual(normalize_type("quiz.started"), ("quiz-started", False))

    def test_priorities(self):
        self.assertEqual(normalize_priority(None), "normal")
        self.assertEqual(normalize_priority("URGENT"), "critical")
        self.assertEqual(normalize_priority(1), "low")
        self.assertEqual(normalize_priority(4), "critical")
        self.assertIsNone(normalize_priority(5))
        self.assertIsNone(normalize_priority(True))
        self.assertIsNone(normalize_priority("extreme"))

    def test_timestamps(self):
        self.assertEqual(iso_timestamp("2026-11-22T10:00:00Z"), "2026-11-22T10:00:00.000Z")
        self.assertEqual(iso_timestamp("2026-11-22T11:00:00.250+01:00"), "2026-11-22T10:00:00.250Z")
        self.assertEqual(iso_timestamp(1795341600), "2026-11-22T10:00:00.000Z")
        self.assertEqual(iso_timestamp(1795341600123), "2026-11-22T10:00:00.123Z")
        with self.assertRaises(ValueError):
            iso_timestamp("yesterday")

    def test_the_common_form_is_read_as_datetime_reads_it(self):
        # utc_from_common_iso skips datetime for speed; wherever it answers, datetime must agree.
        rng = random.Random(20261202)
        answered = 0
        for _ in range(20000):
            text = "%04d-%02d-%02dT%02d:%02d:%02d" % (rng.choice([rng.randint(1, 9999), rng.randint(1990, 2100), 1000, 9999, 2000, 2100]),
                                                     rng.randint(0, 13), rng.randint(0, 32), rng.randint(0, 24), rng.randint(0, 60), rng.randint(0, 60))
            if rng.random() < 0.4:
                text += "." + "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 7)))
            zone = rng.random()
            if zone < 0.2:
                text += rng.choice("Zz")
            elif zone < 0.8:
                text += "%s%02d:%02d" % (rng.choice("+-"), rng.choice([rng.randint(0, 25), 0, 14, 23]), rng.choice([0, 30, 45, rng.randint(0, 61)]))
            common = utc_from_common_iso(text)
            if common is None:
                continue
            answered += 1
            moment = parse_iso(text)
            self.assertEqual(common, moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000), text)
        self.assertGreater(answered, 8000)

    def test_other_forms_are_left_to_datetime(self):
        for text in ("2026-11-22", "2026-11-22 10:00:00", "2026-11-22T10:00Z", "2026-11-22T10:00:00.25Z", "2026-11-22T10:00:00+0100",
                     "2026-02-29T10:00:00Z", "1000-01-01T00:30:00+01:00", "\u0662026-11-22T10:00:00Z"):
            self.assertIsNone(utc_from_common_iso(text), text)
        self.assertEqual(iso_timestamp("2026-11-22 10:00:00"), "2026-11-22T10:00:00.000Z")
        self.assertEqual(iso_timestamp("2026-03-01T00:30:00+01:00"), "2026-02-28T23:30:00.000Z")

    def test_ids_are_stable_for_the_same_event(self):
        event = {"type": "feedback.created", "data": {"text": "well done"}, "studentId": "alice"}
        first = handle({"event": event})["results"][0]["event"]["id"]
        again = handle({"event": dict(reversed(list(event.items())))})["results"][0]["event"]["id"]
        self.assertEqual(first, again)
        self.assertTrue(first.startswith("evt-"))


if __name__ == "__main__":
    unittest.main()
