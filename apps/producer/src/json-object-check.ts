const isHex = (code: number): boolean => (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/**
 * Whether `text` is exactly one JSON object (RFC 8259, as `JSON.parse` reads it), checked
 * without building it and without throwing. `JSON.parse` on a bad line costs a thrown
 * SyntaxError with a message (about 5 µs); a line of junk costs this check well under 1 µs,
 * so a body of a million junk lines is counted in a fraction of a second. Objects nested
 * deeper than `maxDepth` count as not JSON.
 */
export const isJsonObjectText = (text: string, maxDepth = 512): boolean => new JsonObjectScanner(text, maxDepth).scan();

/** A one-pass JSON grammar check (methods, not closures: no per-call function objects). */
class JsonObjectScanner {
  private index = 0;
  private readonly length: number;
  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {
    this.length = text.length;
  }

  scan(): boolean {
    this.skipSpace();
    if (this.text.charCodeAt(this.index) !== 123 || !this.object(1)) return false;
    this.skipSpace();
    return this.index === this.length;
  }

  private skipSpace(): void {
    const { text, length } = this;
    let index = this.index;
    while (index < length) {
      const code = text.charCodeAt(index);
      if (code === 32 || code === 9 || code === 10 || code === 13) index += 1;
      else break;
    }
    this.index = index;
  }

  private string(): boolean {
    const { text, length } = this;
    let index = this.index + 1; // opening quote
    while (index < length) {
      const code = text.charCodeAt(index);
      if (code === 34) {
        this.index = index + 1;
        return true;
      }
      if (code < 32) return false;
      if (code === 92) {
        const escaped = text.charCodeAt(index + 1);
        if (escaped === 117) {
          for (let offset = 2; offset < 6; offset += 1) if (!isHex(text.charCodeAt(index + offset))) return false;
          index += 6;
          continue;
        }
        if (escaped === 34 || escaped === 92 || escaped === 47 || escaped === 98 || escaped === 102 || escaped === 110 || escaped === 114 || escaped === 116) {
          index += 2;
          continue;
        }
        return false;
      }
      index += 1;
    }
    return false;
  }

  private digits(): boolean {
    const start = this.index;
    while (this.index < this.length && isDigit(this.text.charCodeAt(this.index))) this.index += 1;
    return this.index > start;
  }

  private number(): boolean {
    const { text } = this;
    if (text.charCodeAt(this.index) === 45) this.index += 1;
    if (text.charCodeAt(this.index) === 48) this.index += 1;
    else if (!this.digits()) return false;
    if (text.charCodeAt(this.index) === 46) {
      this.index += 1;
      if (!this.digits()) return false;
    }
    const exponent = text.charCodeAt(this.index);
    if (exponent === 101 || exponent === 69) {
      this.index += 1;
      const sign = text.charCodeAt(this.index);
      if (sign === 43 || sign === 45) this.index += 1;
      if (!this.digits()) return false;
    }
    return true;
  }

  private literal(word: string): boolean {
    if (!this.text.startsWith(word, this.index)) return false;
    this.index += word.length;
    return true;
  }

  private value(depth: number): boolean {
    this.skipSpace();
    const code = this.text.charCodeAt(this.index);
    if (code === 123) return this.object(depth + 1);
    if (code === 91) return this.array(depth + 1);
    if (code === 34) return this.string();
    if (code === 116) return this.literal('true');
    if (code === 102) return this.literal('false');
    if (code === 110) return this.literal('null');
    if (code === 45 || isDigit(code)) return this.number();
    return false;
  }

  private object(depth: number): boolean {
    if (depth > this.maxDepth) return false;
    this.index += 1;
    this.skipSpace();
    if (this.text.charCodeAt(this.index) === 125) {
      this.index += 1;
      return true;
    }
    for (;;) {
      this.skipSpace();
      if (this.text.charCodeAt(this.index) !== 34 || !this.string()) return false;
      this.skipSpace();
      if (this.text.charCodeAt(this.index) !== 58) return false;
      this.index += 1;
      if (!this.value(depth)) return false;
      this.skipSpace();
      const code = this.text.charCodeAt(this.index);
      this.index += 1;
      if (code === 125) return true;
      if (code !== 44) return false;
    }
  }

  private array(depth: number): boolean {
    if (depth > this.maxDepth) return false;
    this.index += 1;
    this.skipSpace();
    if (this.text.charCodeAt(this.index) === 93) {
      this.index += 1;
      return true;
    }
    for (;;) {
      if (!this.value(depth)) return false;
      this.skipSpace();
      const code = this.text.charCodeAt(this.index);
      this.index += 1;
      if (code === 93) return true;
      if (code !== 44) return false;
    }
  }
}
