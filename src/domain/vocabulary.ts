export const BILLINGS = ['MAIN', 'SUPPORTING', 'GUEST'] as const;
export type Billing = (typeof BILLINGS)[number];

export const CREDIT_ROLES = ['DIRECTOR', 'WRITER'] as const;
export type CreditRole = (typeof CREDIT_ROLES)[number];

export const RELATIONSHIP_KINDS = [
  'FRIEND',
  'BEST_FRIEND',
  'ROMANTIC',
  'UNREQUITED_LOVE',
  'FAMILY',
  'COLLEAGUE',
  'SENIOR_JUNIOR',
  'RIVAL',
  'UNSPOKEN_LOVE',
  'ATTRACTION',
  'HOUSEMATE',
] as const;
export type RelationshipKind = (typeof RELATIONSHIP_KINDS)[number];

export const PLOT_EVENT_KINDS = [
  'CONFESSION',
  'KISS',
  'ASK_OUT',
  'DEPARTURE',
  'REUNION',
  'REVELATION',
  'CELEBRATION',
  'MESSAGE',
  'CALL',
  'DISCOVERY',
  'GIFT',
  'JEALOUSY',
  'MEMORY',
  'REJECTION',
  'TIME_SKIP',
  'WORK',
  'DECISION',
  'MOMENT',
] as const;
export type PlotEventKind = (typeof PLOT_EVENT_KINDS)[number];

export const EVENT_OUTCOMES = [
  'ACCEPTED',
  'RECIPROCATED',
  'REJECTED',
  'UNANSWERED',
  'UNDELIVERED',
  'WITHDRAWN',
] as const;
export type EventOutcome = (typeof EVENT_OUTCOMES)[number];

export const PARTICIPANT_ROLES = ['AGENT', 'TARGET', 'WITNESS', 'PRESENT', 'MENTIONED'] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

export const BILLING_RANK: Record<Billing, number> = { MAIN: 0, SUPPORTING: 1, GUEST: 2 };
export const CREDIT_ROLE_RANK: Record<CreditRole, number> = { DIRECTOR: 0, WRITER: 1 };

export const CERTAINTIES = ['STATED', 'INFERRED'] as const;
export type Certainty = (typeof CERTAINTIES)[number];
