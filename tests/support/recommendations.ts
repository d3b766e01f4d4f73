import type { Recommendation } from '../../src/domain/recommendations.js';

/** Twenty recommendations of a series, with every field of their reasons but the text. */
export const RECOMMENDATIONS_QUERY = `query ($slug: String!) { series(slug: $slug) {
  recommendations(first: 20) { series { slug } score reasons { kind weight trope person { slug } genre } } } }`;

/** Recommendations as RECOMMENDATIONS_QUERY answers them. */
export const asAnswered = (recommendations: readonly Recommendation[]) =>
  recommendations.map((r) => ({
    series: { slug: r.slug },
    score: r.score,
    reasons: r.reasons.map((x) => ({
      kind: x.kind,
      weight: x.weight,
      trope: x.trope,
      person: x.personKey && { slug: x.personKey },
      genre: x.genre,
    })),
  }));
