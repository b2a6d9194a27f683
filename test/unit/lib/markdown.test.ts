import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown } from '@/lib/markdown/parse-markdown';

const t = (text: string) => ({ type: 'text', text });

describe('parseInline', () => {
  it('keeps plain text as one text node', () => {
    expect(parseInline('warmup was off')).toEqual([t('warmup was off')]);
    expect(parseInline('')).toEqual([]);
  });

  it('reads bold, italic and inline code, nested where it makes sense', () => {
    expect(parseInline('a **bold** b')).toEqual([t('a '), { type: 'strong', children: [t('bold')] }, t(' b')]);
    expect(parseInline('__also bold__')).toEqual([{ type: 'strong', children: [t('also bold')] }]);
    expect(parseInline('*it* and _it_')).toEqual([{ type: 'em', children: [t('it')] }, t(' and '), { type: 'em', children: [t('it')] }]);
    expect(parseInline('**very *much* so**')).toEqual([{ type: 'strong', children: [t('very '), { type: 'em', children: [t('much')] }, t(' so')] }]);
    expect(parseInline('set `lr=5e-4` **now**')).toEqual([t('set '), { type: 'code', text: 'lr=5e-4' }, t(' '), { type: 'strong', children: [t('now')] }]);
    expect(parseInline('`**not bold**`')).toEqual([{ type: 'code', text: '**not bold**' }]);
  });

  it('leaves snake_case names and lone marks alone', () => {
    expect(parseInline('scheduler_after_epoch and lr_gen_max')).toEqual([t('scheduler_after_epoch and lr_gen_max')]);
    expect(parseInline('2 * 3 * 4')).toEqual([t('2 * 3 * 4')]);
    expect(parseInline('** not bold **')).toEqual([t('** not bold **')]);
    expect(parseInline('an ` alone')).toEqual([t('an ` alone')]);
  });

  it('links http, https and mailto targets only; other targets keep their words', () => {
    expect(parseInline('[paper](https://arxiv.org/abs/1608.03983)')).toEqual([{ type: 'link', href: 'https://arxiv.org/abs/1608.03983', children: [t('paper')] }]);
    expect(parseInline('[mail](mailto:a@b.c)')[0]).toMatchObject({ type: 'link', href: 'mailto:a@b.c' });
    expect(parseInline('[click](javascript:alert(1))')).toEqual([t('[click](javascript:alert(1))')]);
    expect(parseInline('[click](javascript:alert)')).toEqual([t('click')]);
    expect(parseInline('[x](data:text/html,hi)')).toEqual([t('x')]);
    expect(parseInline('[**b**](http://x.y)')).toEqual([{ type: 'link', href: 'http://x.y', children: [{ type: 'strong', children: [t('b')] }] }]);
  });

  it('shows raw HTML as text', () => {
    expect(parseInline('<img src=x onerror=alert(1)>')).toEqual([t('<img src=x onerror=alert(1)>')]);
  });
});

describe('parseMarkdown', () => {
  it('reads headings, paragraphs joined across lines, and blank-line breaks', () => {
    expect(parseMarkdown('# Why\nWarmup was\noff.\n\n### Next ###\nTry again')).toEqual([
      { type: 'heading', level: 1, children: [t('Why')] },
      { type: 'paragraph', children: [t('Warmup was off.')] },
      { type: 'heading', level: 3, children: [t('Next')] },
      { type: 'paragraph', children: [t('Try again')] },
    ]);
    expect(parseMarkdown('####### seven')).toEqual([{ type: 'paragraph', children: [t('####### seven')] }]);
    expect(parseMarkdown('#tag')).toEqual([{ type: 'paragraph', children: [t('#tag')] }]);
  });

  it('reads bullet and numbered lists', () => {
    expect(parseMarkdown('- a\n* b\n+ **c**')).toEqual([{ type: 'list', ordered: false, items: [[t('a')], [t('b')], [{ type: 'strong', children: [t('c')] }]] }]);
    expect(parseMarkdown('1. one\n2) two\ntext')).toEqual([
      { type: 'list', ordered: true, items: [[t('one')], [t('two')]] },
      { type: 'paragraph', children: [t('text')] },
    ]);
  });

  it('keeps fenced code verbatim, marks and all, even unclosed', () => {
    expect(parseMarkdown('```python\nlr = 5e-4  # **not bold**\n\n  indented\n```\nafter')).toEqual([
      { type: 'code', text: 'lr = 5e-4  # **not bold**\n\n  indented' },
      { type: 'paragraph', children: [t('after')] },
    ]);
    expect(parseMarkdown('```\nopen')).toEqual([{ type: 'code', text: 'open' }]);
  });

  it('reads quotes and Windows line ends', () => {
    expect(parseMarkdown('> from the\r\n> paper\r\n\r\nok')).toEqual([
      { type: 'quote', children: [t('from the paper')] },
      { type: 'paragraph', children: [t('ok')] },
    ]);
  });

  it('gives nothing for empty notes', () => {
    expect(parseMarkdown('')).toEqual([]);
    expect(parseMarkdown('\n  \n')).toEqual([]);
  });
});
