import { describe, expect, it } from 'vitest';
import { sampleFraction, secondOpinion } from './second-opinion';
import type { GateResult } from './evaluate-answer';

const gate = (pass: boolean) => ({ pass, score: pass ? 1 : 0.2, threshold: 0.7, checks: {}, repairs: [] }) as unknown as GateResult;

describe('secondOpinion', () => {
  it('samples a deterministic share of job ids', () => {
    const ids = Array.from({ length: 2000 }, (_, index) => `job-${index}`);
    const share = ids.filter((id) => sampleFraction(id) < 0.1).length / ids.length;
    expect(share).toBeGreaterThan(0.07);
    expect(share).toBeLessThan(0.13);
    expect(sampleFraction('job-7')).toBe(sampleFraction('job-7'));
  });

  it('asks the critic only about sampled, passed answers and reads its verdict', async () => {
    const prompts: string[] = [];
    const review = secondOpinion({ sampleRate: 1, critic: async (prompt) => { prompts.push(prompt); return '```json\n{"verdict":"disagree","notes":"peak is wrong"}\n```'; } });
    expect(await review({ jobId: 'a', prompt: 'P', answerText: 'A', gate: gate(false) })).toEqual({ sampled: false });
    expect(prompts).toHaveLength(0);
    expect(await review({ jobId: 'a', prompt: 'THE PROMPT', answerText: 'THE ANSWER', gate: gate(true) }))
      .toEqual({ sampled: true, verdict: 'disagree', notes: 'peak is wrong' });
    expect(prompts[0]).toContain('THE PROMPT');
    expect(prompts[0]).toContain('THE ANSWER');
    const none = secondOpinion({ sampleRate: 0, critic: async () => 'agree' });
    expect(await none({ jobId: 'a', prompt: 'P', answerText: 'A', gate: gate(true) })).toEqual({ sampled: false });
  });

  it('treats an unreadable critique as disagreement', async () => {
    const review = secondOpinion({ sampleRate: 1, critic: async () => 'hmm' });
    expect(await review({ jobId: 'x', prompt: 'P', answerText: 'A', gate: gate(true) })).toMatchObject({ sampled: true, verdict: 'disagree' });
    const agree = secondOpinion({ sampleRate: 1, critic: async () => 'I agree with the analysis.' });
    expect(await agree({ jobId: 'x', prompt: 'P', answerText: 'A', gate: gate(true) })).toMatchObject({ verdict: 'agree' });
  });
});
