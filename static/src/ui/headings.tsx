/**
 * One heading scale for every surface: a page's title, its sections and their subsections are the
 * same size wherever they appear (the issue panel, the gadget and the admin pages side by side in
 * Jira should not each pick their own).
 */
import type { ReactNode } from 'react';
import Heading from '@atlaskit/heading';

interface HeadingProps {
  children: ReactNode;
  id?: string;
}

export function PageTitle({ children, id }: HeadingProps) {
  return (
    <Heading size="medium" as="h1" {...(id ? { id } : {})}>
      {children}
    </Heading>
  );
}

export function SectionTitle({ children, id }: HeadingProps) {
  return (
    <Heading size="xsmall" as="h2" {...(id ? { id } : {})}>
      {children}
    </Heading>
  );
}

/** A subsection, or (level 4) a group of fields inside one: the same size, the outline's depth. */
export function SubTitle({ children, id, level = 3 }: HeadingProps & { level?: 3 | 4 }) {
  return (
    <Heading size="xxsmall" as={level === 3 ? 'h3' : 'h4'} {...(id ? { id } : {})}>
      {children}
    </Heading>
  );
}
