export const SERVICE_NODE_OPTIONS: string;
export function withServiceNodeOptions<E extends Record<string, string | undefined>>(
  env: E,
): E & { NODE_OPTIONS: string };
