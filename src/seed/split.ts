import type { RuleName } from '../domain/rule-names.js';

/** One element of a series' `events` list, as the bytes the file gives for it. */
export interface EventBytes {
  /** Index of the series in the file's `series` list, and of the event in that series' `events`. */
  series: number;
  index: number;
  bytes: Buffer;
  /** Of the element's first byte in the file; line and column are 1-based, the column counts bytes. */
  offset: number;
  line: number;
  column: number;
}

/** What makes a seed file unreadable as it is split; the reader names the file. */
export class SplitProblem extends Error {
  override readonly name = 'SplitProblem';
  constructor(
    readonly field: string,
    message: string,
    readonly rule: RuleName,
  ) {
    super(message);
  }
}

export interface SplitLimits {
  /** Bytes of the file besides its events, which are held whole. */
  maxRestBytes: number;
  /** Bytes of one event. */
  maxEventBytes: number;
  /** Levels of nested objects and arrays. */
  maxDepth: number;
}

const OBJECT = 0;
const ARRAY = 1;
/** What a container is to the seed format: the top object, its series list, a series, its events, or other. */
const OTHER = 0;
const ROOT = 1;
const SERIES_LIST = 2;
const SERIES = 3;
const EVENTS = 4;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const NEWLINE = 0x0a;
const isSpace = (b: number) => b === 0x20 || b === NEWLINE || b === 0x0d || b === 0x09;
/** The longest key worth remembering: "series" and "events". */
const KEY_BYTES = 8;

/**
 * Splits a seed file, fed in chunks of bytes, into each element of each series' `events` list and the rest
 * of the file with those lists left empty (`"events": []`), which `rest()` returns once every byte is fed.
 * It follows only the structure it needs (strings, nesting, the keys `series` and `events`); whether the rest
 * and each element are JSON is for JSON.parse to say. Every byte is in the rest, in an element, or is a
 * comma or white space between elements, so the file is JSON if the rest and every element are.
 */
export class SeedFileSplitter {
  private readonly kinds: number[] = [];
  private readonly roles: number[] = [];
  private readonly seriesSeen: number[] = [];
  private inString = false;
  private escaped = false;
  private expectingKey = false;
  private keyBytes: number[] | null = null;
  private lastKey = '';
  /** The role the next array opened as a value takes. */
  private nextArray = OTHER;
  private seriesIndex = -1;
  private eventIndex = 0;
  /** Within an events list: an element is open, or a comma asked for one. */
  private element: Buffer[] | null = null;
  private elementStart = { offset: 0, line: 0, column: 0 };
  private wantElement = false;
  private readonly restParts: Buffer[] = [];
  private restBytes = 0;
  private offset = 0;
  private line = 1;
  private lineStart = 0;

  constructor(
    private readonly limits: SplitLimits,
    private readonly onEvent: (event: EventBytes) => void,
  ) {}

  feed(chunk: Buffer): void {
    let keepFrom = this.inEvents() ? -1 : 0;
    let elementFrom = this.element === null ? -1 : 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === NEWLINE) {
        this.line++;
        this.lineStart = this.offset + i + 1;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) {
          this.escaped = true;
          // A key spelled with an escape is never taken for "series" or "events": its list stays in the rest.
          if (this.keyBytes !== null) this.keyBytes.length = KEY_BYTES + 1;
        } else if (b === QUOTE) this.endString();
        else if (this.keyBytes !== null && this.keyBytes.length <= KEY_BYTES) this.keyBytes.push(b);
        continue;
      }
      if (isSpace(b)) continue;
      const top = this.kinds.length - 1;
      if (this.roles[top] === EVENTS) {
        if (b === COMMA || b === 0x5d) {
          if (this.element !== null) {
            this.element.push(chunk.subarray(elementFrom, i));
            this.closeElement();
            elementFrom = -1;
          } else if (b === COMMA || this.wantElement) {
            throw new SplitProblem('(json)', `an events list has an empty element (byte ${this.offset + i})`, 'json');
          }
          this.wantElement = b === COMMA;
          if (b === COMMA) continue;
        } else if (this.element === null) {
          this.openElement(i);
          elementFrom = i;
        }
      }
      if (b === QUOTE) {
        this.inString = true;
        this.keyBytes = this.expectingKey && this.remembersKeys() ? [] : null;
        continue;
      }
      if (b === 0x7b || b === 0x5b) {
        const role = b === 0x5b ? this.nextArray : this.roles[top] === SERIES_LIST ? SERIES : OTHER;
        if (role === SERIES) this.seriesIndex++;
        this.kinds.push(b === 0x7b ? OBJECT : ARRAY);
        this.roles.push(this.kinds.length === 1 && b === 0x7b ? ROOT : role);
        this.seriesSeen.push(this.seriesIndex);
        if (this.kinds.length > this.limits.maxDepth)
          throw new SplitProblem(
            '(json)',
            `nests objects and arrays deeper than ${this.limits.maxDepth} levels; a seed file needs a handful`,
            'too-deep',
          );
        this.expectingKey = b === 0x7b;
        this.nextArray = OTHER;
        if (role === EVENTS) {
          this.keep(chunk.subarray(keepFrom, i + 1));
          keepFrom = -1;
          this.eventIndex = 0;
          this.wantElement = false;
        }
        continue;
      }
      if (b === 0x7d || b === 0x5d) {
        if (top < 0 || this.kinds[top] !== (b === 0x7d ? OBJECT : ARRAY))
          throw new SplitProblem('(json)', `unexpected "${String.fromCharCode(b)}" at byte ${this.offset + i}`, 'json');
        if (this.roles[top] === EVENTS) keepFrom = i;
        this.kinds.pop();
        this.roles.pop();
        this.seriesSeen.pop();
        this.expectingKey = false;
        this.nextArray = OTHER;
        continue;
      }
      if (b === COLON) {
        this.nextArray = this.arrayAfter(this.lastKey);
        continue;
      }
      if (b === COMMA) {
        this.expectingKey = this.kinds[top] === OBJECT;
        this.nextArray = OTHER;
        continue;
      }
      this.nextArray = OTHER;
    }
    if (keepFrom >= 0) this.keep(chunk.subarray(keepFrom));
    if (this.element !== null && elementFrom >= 0) this.element.push(chunk.subarray(elementFrom));
    if (this.element !== null) this.checkElementSize();
    this.offset += chunk.length;
  }

  /** The file with each series' events left out; throws when the file ends inside an events list. */
  rest(): Buffer {
    if (this.inEvents() || this.element !== null)
      throw new SplitProblem('(json)', `the file ends inside an events list (byte ${this.offset})`, 'json');
    return Buffer.concat(this.restParts, this.restBytes);
  }

  private inEvents(): boolean {
    return this.roles.includes(EVENTS);
  }

  private remembersKeys(): boolean {
    const role = this.roles[this.roles.length - 1];
    return role === ROOT || role === SERIES;
  }

  private arrayAfter(key: string): number {
    const role = this.roles[this.roles.length - 1];
    if (role === ROOT && key === 'series') return SERIES_LIST;
    if (role === SERIES && key === 'events') return EVENTS;
    return OTHER;
  }

  private endString(): void {
    this.inString = false;
    if (this.keyBytes !== null) {
      this.lastKey = this.keyBytes.length <= KEY_BYTES ? String.fromCharCode(...this.keyBytes) : '';
      this.keyBytes = null;
      this.expectingKey = false;
    } else if (this.expectingKey) {
      this.lastKey = '';
      this.expectingKey = false;
    }
    this.nextArray = OTHER;
  }

  private openElement(i: number): void {
    this.element = [];
    const offset = this.offset + i;
    this.elementStart = { offset, line: this.line, column: offset - this.lineStart + 1 };
    this.wantElement = false;
  }

  private closeElement(): void {
    const bytes = Buffer.concat(this.element!);
    this.element = null;
    if (bytes.length > this.limits.maxEventBytes) this.tooLarge(bytes.length);
    const series = this.seriesSeen[this.seriesSeen.length - 1]!;
    this.onEvent({ series, index: this.eventIndex++, bytes, ...this.elementStart });
  }

  private checkElementSize(): void {
    const held = this.element!.reduce((n, b) => n + b.length, 0);
    if (held > this.limits.maxEventBytes) this.tooLarge(held);
  }

  private tooLarge(bytes: number): never {
    const series = this.seriesSeen[this.seriesSeen.length - 1]!;
    throw new SplitProblem(
      `series.${series}.events.${this.eventIndex}`,
      `takes more than ${this.limits.maxEventBytes} bytes (${bytes} so far); one event needs a few kilobytes`,
      'file-too-large',
    );
  }

  private keep(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.restBytes += bytes.length;
    if (this.restBytes > this.limits.maxRestBytes)
      throw new SplitProblem(
        '(file)',
        `holds more than the ${this.limits.maxRestBytes} bytes one file may besides its events`,
        'file-too-large',
      );
    this.restParts.push(Buffer.from(bytes));
  }
}
