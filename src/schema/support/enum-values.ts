export function describedValues<const T extends readonly string[]>(
  values: T,
  descriptions: Record<T[number], string>,
): Record<T[number], { value: T[number]; description: string }> {
  return Object.fromEntries(values.map((v) => [v, { value: v, description: descriptions[v as T[number]] }])) as Record<
    T[number],
    { value: T[number]; description: string }
  >;
}
