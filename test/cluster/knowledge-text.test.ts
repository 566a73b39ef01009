import { describe, expect, it } from 'vitest';
import { knowledgeText } from '../../src/cluster/knowledge-text.ts';

describe('knowledgeText', () => {
  it('joins the tags in order, dropping blank ones', () => {
    expect(knowledgeText({ question: 'What is 2 + 2?', knowledge_points: ['decimals.basic', '  ', 'arith.multiply '] })).toBe('decimals.basic; arith.multiply');
  });

  it('falls back to the question when there are no tags', () => {
    expect(knowledgeText({ question: 'What is 2 + 2?' })).toBe('What is 2 + 2?');
    expect(knowledgeText({ question: 'What is 2 + 2?', knowledge_points: [] })).toBe('What is 2 + 2?');
    expect(knowledgeText({ question: 'Q', knowledge_points: [' '] })).toBe('Q');
  });
});
