import type { PlotEventKind } from '../../domain/vocabulary.js';

export const PLOT_EVENT_KIND_DESCRIPTIONS: Record<PlotEventKind, string> = {
  CONFESSION: 'Someone declares their feelings.',
  KISS: 'A kiss.',
  ASK_OUT: 'Someone asks another on a date.',
  DEPARTURE: 'Someone leaves.',
  REUNION: 'People meet again after a separation.',
  REVELATION: 'A secret or a truth comes out.',
  CELEBRATION: 'A party, dinner or toast.',
  MESSAGE: 'A text, letter or note is sent, or nearly sent.',
  CALL: 'A phone call.',
  DISCOVERY: 'Someone finds something out or finds something hidden.',
  GIFT: 'A gift is given.',
  JEALOUSY: 'Someone is jealous.',
  MEMORY: 'Someone remembers an earlier time.',
  REJECTION: 'Someone turns another down.',
  TIME_SKIP: 'The story jumps forward in time.',
  WORK: 'Work or a working arrangement.',
  DECISION: 'Someone makes up their mind.',
  MOMENT: 'A quiet scene that shows how characters stand.',
};
