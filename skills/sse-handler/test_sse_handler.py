"""CPython tests of sse-handler (python3 -m unittest). The same cases run through Switchboard under GraalPy."""

import json
import os
import unittest

from sse_handler import handle, normalize_priority, normalize_type, iso_timestamp

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

    def test_ids_are_stable_for_the_same_event(self):
        event = {"type": "feedback.created", "data": {"text": "well done"}, "studentId": "alice"}
        first = handle({"event": event})["results"][0]["event"]["id"]
        again = handle({"event": dict(reversed(list(event.items())))})["results"][0]["event"]["id"]
        self.assertEqual(first, again)
        self.assertTrue(first.startswith("evt-"))


if __name__ == "__main__":
    unittest.main()
