/**
 * Acceptance criteria detection in Atlassian Document Format (rules.md,
 * `story-missing-acceptance-criteria`). Walks documents iteratively: descriptions are user
 * content and can nest deeply, so recursion depth is not trusted.
 */
import { isRecord } from './read';

const AC_PREFIX = 'acceptance criteria';

/** True when a field value holds any text: a non-blank string or an ADF document with text. */
export function hasText(value: unknown): boolean {
  if (typeof value === 'string') return value.trim() !== '';
  if (!isRecord(value)) return false;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!isRecord(node)) continue;
    if (typeof node.text === 'string' && node.text.trim() !== '') return true;
    if (Array.isArray(node.content)) for (const child of node.content) stack.push(child);
  }
  return false;
}

interface Block {
  type: 'heading' | 'paragraph' | 'other';
  /** Heading level (1-6); 0 for non-headings. */
  level: number;
  text: string;
}

/** Plain text of an inline container (paragraph, heading...), hard breaks as spaces. */
function inlineText(node: Record<string, unknown>): string {
  let out = '';
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const n = stack.pop();
    if (!isRecord(n)) continue;
    if (typeof n.text === 'string') out += n.text;
    else if (n.type === 'hardBreak') out += ' ';
    if (Array.isArray(n.content)) for (let i = n.content.length - 1; i >= 0; i--) stack.push(n.content[i]);
  }
  return out;
}

const TEXT_BLOCKS = new Set(['paragraph', 'heading', 'codeBlock']);

/** The document's text blocks in reading order, wherever they sit (lists, tables, panels...). */
function blocksOf(doc: Record<string, unknown>): Block[] {
  const blocks: Block[] = [];
  const stack: unknown[] = [doc];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!isRecord(node)) continue;
    const type = typeof node.type === 'string' ? node.type : '';
    if (TEXT_BLOCKS.has(type)) {
      const attrs = isRecord(node.attrs) ? node.attrs : {};
      const level = type === 'heading' && typeof attrs.level === 'number' ? attrs.level : 0;
      const kind = type === 'heading' ? 'heading' : type === 'paragraph' ? 'paragraph' : 'other';
      blocks.push({ type: kind, level, text: inlineText(node) });
      continue;
    }
    if (Array.isArray(node.content))
      for (let i = node.content.length - 1; i >= 0; i--) stack.push(node.content[i]);
  }
  return blocks;
}

/**
 * True when a heading or paragraph starts with "Acceptance criteria" and some content follows:
 * text after the words in the same block (beyond punctuation such as ":"), or a non-empty block
 * after it. The section ends at the next heading of the same or a higher rank (any heading when
 * the marker is a paragraph), so an empty "Acceptance criteria" heading directly followed by an
 * unrelated "Notes" section does not count.
 */
export function hasAcceptanceCriteriaSection(doc: unknown): boolean {
  if (!isRecord(doc)) return false;
  const blocks = blocksOf(doc);
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i];
    if (!block || block.type === 'other') continue;
    const text = block.text.trim();
    if (!text.toLowerCase().startsWith(AC_PREFIX)) continue;
    if (/[\p{L}\p{N}]/u.test(text.slice(AC_PREFIX.length))) return true;
    const rank = block.type === 'heading' ? block.level || 1 : 7;
    for (let j = i + 1; j < blocks.length; j++) {
      const next = blocks[j];
      if (!next) break;
      if (next.type === 'heading' && (next.level || 1) <= rank) break;
      if (next.text.trim() !== '') return true;
    }
  }
  return false;
}

/** Acceptance criteria anywhere: the dedicated field has text, or the description has a section. */
export function hasAcceptanceCriteria(fieldValue: unknown, description: unknown): boolean {
  return hasText(fieldValue) || hasAcceptanceCriteriaSection(description);
}
