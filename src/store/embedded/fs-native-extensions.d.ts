declare module 'fs-native-extensions' {
  /** A non-blocking lock on the open file (an OFD lock on Linux, flock on macOS); false when another open file holds it. */
  export function tryLock(fd: number, offset?: number, length?: number, options?: { shared?: boolean }): boolean;
  export function unlock(fd: number, offset?: number, length?: number): void;
}
