// A provider's chart colour does not depend on who else is in the report (issue 15: colour-blind-safe
// palette; a reader comparing this week's report with last week's sees the same provider in the same colour).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PALETTE, providerColours } from '../src/report/html.js';

test('the common providers keep their colour whoever else is in the report', () => {
  const few = providerColours(['openai', 'gemini']);
  const more = providerColours(['zhipu', 'anthropic', 'gemini', 'acme', 'openai']);
  assert.equal(few.openai, more.openai);
  assert.equal(few.gemini, more.gemini);
  assert.notEqual(few.openai, few.gemini);
});

test('every provider of a report has a colour of its own while the palette lasts, from the palette', () => {
  const providers = ['openai', 'anthropic', 'gemini', 'mistral', 'groq', 'zhipu'];
  const colours = providerColours(providers);
  assert.equal(new Set(Object.values(colours)).size, providers.length);
  for (const c of Object.values(colours)) assert.ok(PALETTE.includes(c));
});

test('a provider outside the common ones keeps its colour when another joins', () => {
  const before = providerColours(['mistral', 'openai']);
  const after = providerColours(['mistral', 'openai', 'anthropic']);
  assert.equal(before.mistral, after.mistral);
});
