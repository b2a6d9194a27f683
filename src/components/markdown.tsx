// Run notes as Markdown: the parsed tree (lib/markdown) as React elements, never as an HTML
// string, so a note cannot inject markup or script.
import { Fragment } from 'react';
import { type Block, type Inline, parseMarkdown } from '@/lib/markdown/parse-markdown';

function Inlines({ nodes }: { nodes: Inline[] }) {
  return (
    <>
      {nodes.map((n, i) => {
        switch (n.type) {
          case 'text':
            return <Fragment key={i}>{n.text}</Fragment>;
          case 'code':
            return <code key={i}>{n.text}</code>;
          case 'strong':
            return <strong key={i}><Inlines nodes={n.children} /></strong>;
          case 'em':
            return <em key={i}><Inlines nodes={n.children} /></em>;
          case 'link':
            return (
              <a key={i} href={n.href} rel="noopener noreferrer nofollow" target="_blank">
                <Inlines nodes={n.children} />
              </a>
            );
        }
      })}
    </>
  );
}

function BlockView({ block }: { block: Block }) {
  switch (block.type) {
    case 'heading': {
      // Notes sit under the page's own headings: their "#" is at most a level-3 heading.
      const Tag = (['h3', 'h4', 'h5', 'h6', 'h6', 'h6'] as const)[block.level - 1];
      return <Tag><Inlines nodes={block.children} /></Tag>;
    }
    case 'paragraph':
      return <p><Inlines nodes={block.children} /></p>;
    case 'quote':
      return <blockquote><Inlines nodes={block.children} /></blockquote>;
    case 'code':
      return <pre className="mono"><code>{block.text}</code></pre>;
    case 'list': {
      const List = block.ordered ? 'ol' : 'ul';
      return <List>{block.items.map((item, i) => <li key={i}><Inlines nodes={item} /></li>)}</List>;
    }
  }
}

export function Markdown({ source }: { source: string }) {
  return (
    <div className="markdown">
      {parseMarkdown(source).map((b, i) => (
        <BlockView key={i} block={b} />
      ))}
    </div>
  );
}
