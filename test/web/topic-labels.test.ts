import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateKnowledgeFolder } from '../../src/knowledge/validate.js';
import { RETRIEVAL_SETTINGS } from '../../src/retrieval/settings.js';
import type { StoredDocument } from '../../src/storage/knowledge-store.js';
import { filterDocuments, type DocumentFilter } from '../../src/web/console/knowledge/list-filter.js';
import { ticketTopicLabel, TOPIC_LABELS, topicLabel } from '../../src/escalation/topic-labels.js';
import { ROOT } from '../helpers/app-fixture.js';

const { documents } = await validateKnowledgeFolder(path.join(ROOT, 'knowledge'), { chunkMaxChars: RETRIEVAL_SETTINGS.chunkMaxChars });
const docs = documents.map((d) => ({ id: d.meta.id, sourcePath: d.sourcePath, contentHash: '', meta: d.meta })) as StoredDocument[];
const NONE: DocumentFilter = { q: '', topic: '', status: '', type: '', review: '' };

describe('topic names', () => {
  it('names every topic of the bundled knowledge in Vietnamese (NFC)', () => {
    const topics = [...new Set(docs.flatMap((d) => d.meta.topic ?? []))];
    expect(topics.length).toBeGreaterThan(50);
    expect(topics.filter((t) => !TOPIC_LABELS[t])).toEqual([]);
    for (const label of Object.values(TOPIC_LABELS)) expect(label).toBe(label.normalize('NFC'));
    expect(topicLabel('muc-huong')).toBe('Mức hưởng');
    expect(topicLabel('thue-nha-ly-son')).toBe('Thue nha ly son');
  });

  it('files an out-of-domain ticket under "Ngoài phạm vi", whatever topic an older version gave it', () => {
    expect(ticketTopicLabel({ reason: 'out_of_domain' })).toBe('Ngoài phạm vi');
    expect(ticketTopicLabel({ reason: 'out_of_domain', topic: 'di-chuyen-ho-so' })).toBe('Ngoài phạm vi');
    expect(ticketTopicLabel({ reason: 'low_confidence', topic: 'di-chuyen-ho-so' })).toBe('Di chuyển hồ sơ');
    expect(ticketTopicLabel({ reason: 'user_request' })).toBe('Chưa xác định');
  });
});

describe('the knowledge list filter', () => {
  const titles = (filter: Partial<DocumentFilter>) => filterDocuments(docs, { ...NONE, ...filter }, () => false).map((d) => d.meta.title);

  it('finds words together, in order, with or without accents', () => {
    const accented = titles({ q: 'thờ cúng' });
    expect(accented.length).toBeGreaterThanOrEqual(2);
    expect(accented.length).toBeLessThan(docs.length);
    expect(titles({ q: 'tho cung' })).toEqual(accented);
    expect(titles({ q: 'THỜ CÚNG' })).toEqual(accented);
    expect(titles({ q: 'cúng thờ' })).toEqual([]);
    // A decree by its number; a topic by its Vietnamese name.
    expect(filterDocuments(docs, { ...NONE, q: '131/2021' }, () => false).map((d) => d.id)).toContain('nd-131-2021');
    expect(titles({ q: 'mức hưởng' }).length).toBeGreaterThan(titles({ q: 'mức hưởng thương binh' }).length);
  });

  it('filters by topic, status and type, and combines them', () => {
    const liệtSĩ = filterDocuments(docs, { ...NONE, topic: 'liet-si' }, () => false);
    expect(liệtSĩ.length).toBeGreaterThan(0);
    expect(liệtSĩ.every((d) => d.meta.topic?.includes('liet-si'))).toBe(true);
    expect(filterDocuments(docs, { ...NONE, status: 'partly_superseded' }, () => false)).toHaveLength(docs.filter((d) => d.meta.status === 'partly_superseded').length);
    const procedures = filterDocuments(docs, { ...NONE, type: 'thu-tuc', topic: 'liet-si' }, () => false);
    expect(procedures.every((d) => d.meta.doc_type === 'thu-tuc' && d.meta.topic?.includes('liet-si'))).toBe(true);
    expect(filterDocuments(docs, { ...NONE, review: 'stale' }, (d) => d.id === 'nd-131-2021').map((d) => d.id)).toEqual(['nd-131-2021']);
  });
});
