const TYPENAME = Symbol('typename');

/** A record with the GraphQL type it is, for unions to resolve by, whatever fields it has. */
export type Tagged<T extends object> = T & { readonly [TYPENAME]: string };

export const tagged = <T extends object>(typename: string, record: T): Tagged<T> => ({
  ...record,
  [TYPENAME]: typename,
});

/** The type a tagged record was given; a union member that was not tagged is a bug, so it fails loudly. */
export function typenameOf(value: object): string {
  const typename = (value as Partial<Tagged<object>>)[TYPENAME];
  if (typename === undefined) throw new Error('A union member was resolved without a type tag.');
  return typename;
}
