"""sse-handler: turns backend events into the events the frontend's EventSource listeners expect.

Pure standard library and deterministic (no clock, no randomness): the same input always gives
the same output, so outputs can be cached and the CPython and GraalPy runs compared exactly.
The Dapr bridge calls it on every inbound event: keep it cheap.
"""

import hashlib
import json
import re
from datetime import datetime, timezone

# Backend event types (as the Mastery Engine and other services publish them) -> frontend types.
# Keys are normalized first: lower case, '_' and '-' read as '.'.
TYPE_MAP = {
    "mastery.updated": "mastery-update",
    "mastery.update": "mastery-update",
    "skill.mastered": "mastery-update",
    "progress.updated": "progress",
    "lesson.completed": "progress",
    "assessment.completed": "assessment-complete",
    "assessment.graded": "assessment-complete",
    "feedback.created": "feedback",
    "feedback.posted": "feedback",
    "recommendation.created": "recommendation",
    "recommendation.updated": "recommendation",
    "notification": "notification",
    "notification.created": "notification",
    "system.notification": "notification",
    "system.alert": "alert",
}

PRIORITIES = ["low", "normal", "high", "critical"]
PRIORITY_SYNONYMS = {"medium": "normal", "default": "normal", "info": "low", "urgent": "critical", "warning": "high"}


def normalize_type(backend_type):
    """The frontend type for a backend type, and whether it came from the mapping table."""
    key = backend_type.strip().lower().replace("_", ".").replace("-", ".")
    if key in TYPE_MAP:
        return TYPE_MAP[key], True
    return key.replace(".", "-"), False


def normalize_priority(value):
    """'low' | 'normal' | 'high' | 'critical' from a name, a synonym or 1..4; None when it is none of those."""
    if value is None:
        return "normal"
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return PRIORITIES[value - 1] if 1 <= value <= 4 else None
    if isinstance(value, str):
        name = value.strip().lower()
        if name in PRIORITIES:
            return name
        return PRIORITY_SYNONYMS.get(name)
    return None


def iso_timestamp(value):
    """ISO-8601 in UTC with a 'Z' from an ISO string or an epoch number (seconds, or milliseconds when large)."""
    if isinstance(value, bool):
        raise ValueError("timestamp: a string or a number, not a boolean")
    if isinstance(value, (int, float)):
        seconds = value / 1000.0 if abs(value) >= 1e11 else float(value)
        moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
    elif isinstance(value, str):
        text = value.strip()
        common = utc_from_common_iso(text)
        if common is not None:
            return common
        moment = parse_iso(text)
    else:
        raise ValueError("timestamp: a string or a number")
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000)


def parse_iso(text):
    """Any ISO-8601 form datetime.fromisoformat reads, as an aware datetime in UTC (none means UTC)."""
    if text.endswith("Z") or text.endswith("z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        # Our own words: the runtime's message differs between CPython and GraalPy.
        raise ValueError("not an ISO-8601 time or an epoch number") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


# The form backends send (2026-11-22T11:00:00.250+01:00), read without datetime: under GraalPy
# datetime is pure Python, and fromisoformat + astimezone + strftime cost several times the rest
# of the event. Anything else, or anything out of range, goes to parse_iso, which decides.
COMMON_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})"
                        r"(?:\.([0-9]{3}|[0-9]{6}))?(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))?")
MONTH_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def utc_from_common_iso(text):
    """'YYYY-MM-DDTHH:MM:SS[.fff|.ffffff][Z|±HH:MM]' as iso_timestamp writes it, or None for any other text."""
    match = COMMON_ISO.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, sign, offset_hours, offset_minutes = match.groups()
    year, month, day, hour, minute, second = int(year), int(month), int(day), int(hour), int(minute), int(second)
    if not (1 <= month <= 12 and 1 <= day <= MONTH_DAYS[month] and hour < 24 and minute < 60 and second < 60):
        return None
    if month == 2 and day == 29 and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        return None
    offset = 0
    if sign is not None:
        offset_hours, offset_minutes = int(offset_hours), int(offset_minutes)
        if offset_hours >= 24 or offset_minutes >= 60:
            return None
        offset = (offset_hours * 60 + offset_minutes) * 60 * (-1 if sign == "-" else 1)
    days, rest = divmod(days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset, 86400)
    year, month, day = civil_from_days(days)
    if not 1000 <= year <= 9999:
        return None
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (year, month, day, rest // 3600, rest // 60 % 60, rest % 60,
                                                   int(fraction[:3]) if fraction else 0)


def days_from_civil(year, month, day):
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month - 3 if month > 2 else month + 9) + 2) // 5 + day - 1
    return era * 146097 + year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year - 719468


def civil_from_days(days):
    """The (year, month, day) of a day count since 1970-01-01: the inverse of days_from_civil."""
    days += 719468
    era = days // 146097
    day_of_era = days - era * 146097
    year_of_era = (day_of_era - day_of_era // 1460 + day_of_era // 36524 - day_of_era // 146096) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * shifted_month + 2) // 5 + 1
    month = shifted_month + 3 if shifted_month < 10 else shifted_month - 9
    return year_of_era + era * 400 + (month <= 2), month, day


def event_id(event):
    """The event's id, or a stable one derived from its content."""
    if event.get("id"):
        return str(event["id"])
    canonical = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "evt-" + hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:16]


def transform(event, filters, source, received_at):
    """One event: {'deliver': True, 'event': {...}} or {'deliver': False, 'reason': ...}."""
    frontend_type, mapped = normalize_type(event["type"])
    priority = normalize_priority(event.get("priority"))
    if priority is None:
        return {"deliver": False, "reason": "priority %r is not low, normal, high, critical (or 1 to 4)" % (event.get("priority"),)}

    student = event.get("studentId")
    wanted_student = filters.get("studentId")
    if wanted_student is not None and student is not None and student != wanted_student:
        return {"deliver": False, "reason": "for another student"}
    minimum = filters.get("minPriority")
    if minimum is not None and PRIORITIES.index(priority) < PRIORITIES.index(minimum):
        return {"deliver": False, "reason": "priority %s is below %s" % (priority, minimum)}
    types = filters.get("types")
    if types is not None and frontend_type not in types:
        return {"deliver": False, "reason": "type %s is not among %s" % (frontend_type, ", ".join(types))}

    try:
        timestamp = iso_timestamp(event["timestamp"]) if event.get("timestamp") is not None else None
    except (ValueError, OverflowError, OSError) as problem:
        return {"deliver": False, "reason": "timestamp %r: %s" % (event.get("timestamp"), problem)}
    received = received_at or timestamp
    metadata = {"source": source, "originalType": event["type"], "mapped": mapped}
    if event.get("topic") is not None:
        metadata["topic"] = event["topic"]
    if received is not None:
        metadata["receivedAt"] = received
    if student is not None:
        metadata["studentId"] = student
    out = {"id": event_id(event), "type": frontend_type, "priority": priority, "data": event.get("data")}
    if timestamp is not None or received is not None:
        out["timestamp"] = timestamp or received
    out["metadata"] = metadata
    return {"deliver": True, "event": out}


def handle(input, ctx=None):
    """Skill entry: one event ('event') or a batch ('events'), with optional 'filters', 'source', 'receivedAt'."""
    events = [input["event"]] if "event" in input else input["events"]
    filters = input.get("filters") or {}
    source = input.get("source", "unknown")
    received_at = iso_timestamp(input["receivedAt"]) if input.get("receivedAt") is not None else None
    results = [transform(event, filters, source, received_at) for event in events]
    return {"results": results, "delivered": sum(1 for r in results if r["deliver"])}
