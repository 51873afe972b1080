"""The support network of the programme's schools. One module per area, each owned by its pages:

- network.py: curators, partner schools, mentoring pairs;
- visits.py: monitoring visits, methodological landings, consultations and their follow-ups;
- events.py: the plan of events, invitations, registration and attendance;
- meetings.py: meetings, their decisions and each owner's part of a decision;
- practices.py: the bank of practices.
"""

from opora.support.models.events import Event, EventKind, EventStatus, Invitation, Participant, ParticipantSource
from opora.support.models.meetings import Decision, DecisionOwner, DecisionStatus, Meeting
from opora.support.models.network import Curatorship, Mentoring, Partnership
from opora.support.models.practices import Practice, PracticeFile, PracticeState, PracticeTransition
from opora.support.models.visits import FollowUp, Visit, VisitKind

__all__ = [
    "Curatorship", "Decision", "DecisionOwner", "DecisionStatus", "Event", "EventKind", "EventStatus", "FollowUp",
    "Invitation", "Meeting", "Mentoring", "Participant", "ParticipantSource", "Partnership", "Practice",
    "PracticeFile", "PracticeState", "PracticeTransition", "Visit", "VisitKind",
]
