/**
 * Step 1's first move: cut raw English text into word-level tokens, the way
 * the article cuts "The animal didn’t cross the street because it was too
 * tired." into ["The", "animal", "did", "n't", ..., "tired", "."].
 *
 * The rules follow the Penn Treebank (PTB) conventions, applied left to right:
 *
 * - Whitespace of any kind (spaces, tabs, newlines, non-breaking spaces)
 *   separates tokens and is never part of one.
 * - A word is a run of letters, digits and combining marks. Inside a word (with
 *   a letter or digit on both sides) these joiners keep it whole: `-` (state-
 *   of-the-art), `.` (3.14, e.g, Node.js), `'` and `’` (o'clock), `_`, `&`
 *   (AT&T) and `/` (and/or); `,` and `:` join only digits (1,000 and 12:30).
 * - A word that ends in a clitic has it split off, repeatedly from the end:
 *   `n't` (did + n't) and `'s 're 've 'll 'd 'm` (it + 's, I + 'd + 've).
 *   The split is always just before the `n` of `n't`, which is how the PTB's
 *   irregular forms fall out of the same rule: can't -> ca + n't,
 *   won't -> wo + n't, shan't -> sha + n't, ain't -> ai + n't. A clitic written
 *   on its own after whitespace ("it 's") is one token too, so tokenising the
 *   tokens again (joined by spaces) gives the same tokens.
 * - Curly apostrophes (’ U+2019, ʼ U+02BC) inside a word become the ASCII `'`,
 *   so "didn’t" and "didn't" give the same tokens ("did", "n't").
 * - A trailing period stays on a known abbreviation (`ABBREVIATIONS`: Mr., Dr.,
 *   etc., ...) and on initialisms of single letters (U.S., e.g., i.e., a.m.);
 *   at the end of a sentence such a word keeps its one period and no extra "."
 *   token follows (as in the PTB).
 * - Everything else that is not a letter, digit or space is a token of its own,
 *   one character each: . , ; : ! ? ( ) [ ] { } " “ ” ‘ ’ ' … $ % and so on,
 *   except that a run of two or more periods ("...") or of two or more hyphens
 *   ("--") stays one token.
 *
 * Not done (unlike some PTB tokenisers): "cannot" and "gonna" are not split,
 * and double quotes are not rewritten as `` and ''; they stay as written.
 *
 * `detokenize` is the inverse for ordinary sentences: it puts spaces between
 * words but none before closing punctuation and clitics, and none after
 * opening brackets and quotes.
 */

/** Abbreviations (lower case, without their final period) that keep their period. */
export const ABBREVIATIONS: ReadonlySet<string> = new Set([
  "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "inc", "ltd", "corp", "approx", "dept", "ph.d",
]);

const LETTER = String.raw`\p{L}\p{N}\p{M}`;
const APOSTROPHES = "'’ʼ";
const WHITESPACE = /\s+/uy;
// A clitic written as its own word: after start-of-text or whitespace, before a non-letter.
const STANDALONE_CLITIC = new RegExp(String.raw`[${APOSTROPHES}](?:s|re|ve|ll|d|m)(?![${LETTER}])`, "iuy");
const WORD = new RegExp(
  String.raw`[${LETTER}]+(?:(?:[-._&/${APOSTROPHES}]|(?<=\p{N})[,:](?=\p{N}))[${LETTER}]+)*`,
  "uy",
);
const DOTS = /\.{2,}/y;
const HYPHENS = /-{2,}/y;
const ANY_CHARACTER = /./suy;
const INITIALISM = /^\p{L}(?:\.\p{L})+$/u;
const NOT_CLITIC = /^(.+)(n't)$/i;
const OTHER_CLITIC = /^(.+)('s|'re|'ve|'ll|'d|'m)$/i;

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

function matchAt(pattern: RegExp, text: string, position: number): string | undefined {
  pattern.lastIndex = position;
  const match = pattern.exec(text);
  return match === null ? undefined : match[0];
}

/** Split the clitics off the end of one word: "shouldn't've" -> ["should", "n't", "'ve"]. */
function splitClitics(word: string): string[] {
  const clitics: string[] = [];
  let stem = word;
  for (;;) {
    const match = NOT_CLITIC.exec(stem) ?? OTHER_CLITIC.exec(stem);
    if (match === null) break;
    clitics.unshift(match[2]);
    stem = match[1];
  }
  return [stem, ...clitics];
}

/**
 * Split English text into word tokens by the Penn-Treebank-like rules in this
 * file's header: "The animal didn’t cross the street because it was too
 * tired." -> ["The", "animal", "did", "n't", "cross", "the", "street",
 * "because", "it", "was", "too", "tired", "."]. Empty or whitespace-only text
 * gives []. Throws a TypeError when `text` is not a string.
 */
export function wordTokenize(text: string): string[] {
  if (typeof text !== "string") throw new TypeError(`wordTokenize expects a string, got ${describe(text)}`);
  const tokens: string[] = [];
  let position = 0;
  while (position < text.length) {
    const space = matchAt(WHITESPACE, text, position);
    if (space !== undefined) {
      position += space.length;
      continue;
    }
    const afterSpace = position === 0 || /\s/u.test(text[position - 1]);
    const clitic = afterSpace ? matchAt(STANDALONE_CLITIC, text, position) : undefined;
    if (clitic !== undefined) {
      tokens.push(`'${clitic.slice(1)}`);
      position += clitic.length;
      continue;
    }
    const found = matchAt(WORD, text, position);
    if (found !== undefined) {
      position += found.length;
      let word = found.replace(/[’ʼ]/gu, "'");
      const abbreviation = ABBREVIATIONS.has(word.toLowerCase()) || INITIALISM.test(word);
      if (abbreviation && text[position] === "." && text[position + 1] !== ".") {
        word += ".";
        position += 1;
      }
      tokens.push(...splitClitics(word));
      continue;
    }
    const symbol = matchAt(DOTS, text, position) ?? matchAt(HYPHENS, text, position) ?? matchAt(ANY_CHARACTER, text, position);
    // ANY_CHARACTER matches every non-empty remainder, so symbol is defined here.
    const piece = symbol as string;
    tokens.push(piece);
    position += piece.length;
  }
  return tokens;
}

const CLITIC_TOKEN = /^(?:n['’]t|['’](?:s|re|ve|ll|d|m))$/i;
/** Tokens written straight after the previous one, with no space before. */
const CLOSING = new Set([".", ",", ";", ":", "!", "?", ")", "]", "}", "…", "%", "”", "’", "»"]);
/** Tokens written straight before the next one, with no space after. */
const OPENING = new Set(["(", "[", "{", "“", "‘", "«", "¿", "¡", "$", "£", "€", "#"]);

/**
 * Join word tokens back into readable text, undoing `wordTokenize` for
 * ordinary sentences: no space before closing punctuation (. , ; : ! ? ) ] …
 * % ” and runs of periods) or clitics ("ca" + "n't" -> "can't"), no space after
 * opening brackets, quotes and currency signs, and `"` alternately opening and
 * closing. A lone `'` closes an open single quote, attaches to a plural ending
 * in s as a possessive ("students' books"), and otherwise opens a quote.
 * Empty tokens are skipped.
 *
 * What the round trip `detokenize(wordTokenize(s))` normalises: every run of
 * whitespace becomes one space (and leading/trailing whitespace goes), and
 * curly apostrophes inside words come back as `'` ("didn’t" -> "didn't").
 * Throws a TypeError when `tokens` is not an array of strings.
 */
export function detokenize(tokens: string[]): string {
  if (!Array.isArray(tokens)) throw new TypeError(`detokenize expects an array of strings, got ${describe(tokens)}`);
  let text = "";
  let spaceAllowed = false; // false at the start and after an opening token
  let doubleQuoteOpen = false;
  let singleQuoteOpen = false;
  let previous = "";
  tokens.forEach((token, i) => {
    if (typeof token !== "string") throw new TypeError(`detokenize expects strings, token ${i} is ${describe(token)}`);
    if (token === "") return;
    let attachLeft = false;
    let attachRight = false;
    if (CLITIC_TOKEN.test(token) || CLOSING.has(token) || /^\.{2,}$/.test(token)) {
      attachLeft = true;
    } else if (OPENING.has(token)) {
      attachRight = true;
    } else if (token === '"') {
      attachLeft = doubleQuoteOpen;
      attachRight = !doubleQuoteOpen;
      doubleQuoteOpen = !doubleQuoteOpen;
    } else if (token === "'") {
      if (singleQuoteOpen) {
        attachLeft = true;
        singleQuoteOpen = false;
      } else if (/[\p{L}\p{N}]$/u.test(previous) && /s$/i.test(previous)) {
        attachLeft = true; // possessive plural: students'
      } else {
        attachRight = true;
        singleQuoteOpen = true;
      }
    }
    text += (spaceAllowed && !attachLeft ? " " : "") + token;
    spaceAllowed = !attachRight;
    previous = token;
  });
  return text;
}
