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

/** Text nodes of an ADF subtree in document order. */
function textNodes(node: unknown, out: string[]): void {
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const n = stack.pop();
    if (!isRecord(n)) continue;
    if (typeof n.text === 'string') out.push(n.text);
    if (Array.isArray(n.content)) for (let i = n.content.length - 1; i >= 0; i--) stack.push(n.content[i]);
  }
}

/** Text blocks (and leaf nodes) wherever they sit, in reading order. */
function flatBlocks(doc: Record<string, unknown>): { type: string; node: Record<string, unknown> }[] {
  const out: { type: string; node: Record<string, unknown> }[] = [];
  const stack: unknown[] = Array.isArray(doc.content) ? (doc.content as unknown[]).slice().reverse() : [];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!isRecord(node)) continue;
    const type = typeof node.type === 'string' ? node.type : '';
    // Containers (lists, tables, panels) are opened so their paragraphs count as nodes of the section.
    if (!TEXT_BLOCKS.has(type) && Array.isArray(node.content)) {
      for (let i = node.content.length - 1; i >= 0; i--) stack.push(node.content[i]);
      continue;
    }
    out.push({ type, node });
  }
  return out;
}

function normaliseText(parts: readonly string[]): string {
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

/**
 * The text the criteria fingerprint is taken of (rules.md, "Decisions"): the Acceptance Criteria
 * field's text nodes when it holds text, otherwise the description's "Acceptance criteria" section
 * (its opening heading or paragraph and every node up to the next heading). Undefined: no criteria.
 */
export function criteriaText(fieldValue: unknown, description: unknown): string | undefined {
  if (typeof fieldValue === 'string' && fieldValue.trim() !== '') return normaliseText([fieldValue]);
  if (isRecord(fieldValue) && hasText(fieldValue)) {
    const parts: string[] = [];
    textNodes(fieldValue, parts);
    return normaliseText(parts);
  }
  if (!isRecord(description)) return undefined;
  const blocks = flatBlocks(description);
  const start = blocks.findIndex((b) => {
    if (b.type !== 'heading' && b.type !== 'paragraph') return false;
    return inlineText(b.node).trim().toLowerCase().startsWith(AC_PREFIX);
  });
  if (start < 0) return undefined;
  const parts: string[] = [];
  textNodes(blocks[start]!.node, parts);
  for (let i = start + 1; i < blocks.length && blocks[i]!.type !== 'heading'; i++)
    textNodes(blocks[i]!.node, parts);
  const text = normaliseText(parts);
  return text === '' ? undefined : text;
}
