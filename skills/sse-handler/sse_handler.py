"""sse-handler: turns backend events into the events the frontend's EventSource listeners expect.

Pure standard library and deterministic (no clock, no randomness): the same input always gives
the same output, so outputs can be cached and the CPython and GraalPy runs compared exactly.
The Dapr bridge calls it on every inbound event: keep it cheap.
"""

import hashlib
import json
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
        if text.endswith("Z") or text.endswith("z"):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            # Our own words: the runtime's message differs between CPython and GraalPy.
            raise ValueError("not an ISO-8601 time or an epoch number") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        moment = moment.astimezone(timezone.utc)
    else:
        raise ValueError("timestamp: a string or a number")
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000)


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
