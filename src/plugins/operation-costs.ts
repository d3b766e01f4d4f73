/** The cost the cost limit found for each operation it let run, by its context: what admission weighs it by. */
export const operationCosts = new WeakMap<object, number>();
