/// <reference lib="dom" />
// The credential-scale stages (issue 14), on the page's main thread (what CDP throttles), on the files
// bench/lib/credential-scale-fixtures.ts wrote:
//   status-list-1e8   open the 10^8-entry status list (signature, chain, capped inflate of 25 MB) + 1,000 lookups
//   trust-list-1000   open the 1,000-authority eidkit trust list + verify one presentation against it
//   vical-1000        the same as an ISO 18013-5 VICAL
//   qr-bomb-*         deflate bombs as scanned texts: the time of the text that completes them, to the refusal
// The product assembles and verifies in the QR worker (workers/qr.worker.ts); CDP cannot throttle workers, so the
// same engine calls are timed here.
import {
  anchorFromJson,
  openStatusList,
  openTrustList,
  openVical,
  QrAssembler,
  statusAt,
  verifyPresentation,
  emptyTrustList,
  type TrustList,
} from '../../engine/credential/index.ts';
import type { BombFixture, ScaleMeta } from '../lib/credential-scale-fixtures.ts';
import type { StageId } from './protocol.ts';
import type { StageBody } from './runtime.ts';

export const SCALE_STAGES = ['status-list-1e8', 'trust-list-1000', 'vical-1000', 'qr-bomb-single', 'qr-bomb-sequence', 'qr-bomb-blocks', 'qr-bomb-desk'] as const satisfies readonly StageId[];

const codeOf = (e: unknown): string => (e as { code?: string }).code ?? String(e);

/** Times the text that completes the bomb (the earlier frames only buffer); ok when it is refused as expected. */
function bombStage(bomb: BombFixture, expected: readonly string[]): StageBody {
  return async () => {
    if (bomb.maxBytes === undefined) {
      const t0 = performance.now();
      const r = await verifyPresentation(bomb.texts[0]!, emptyTrustList(), [], new Date());
      const ms = performance.now() - t0;
      return { ok: r.checks.some((c) => c.outcome === 'fail' && expected.includes(c.code ?? '')), ms };
    }
    const a = new QrAssembler(bomb.maxBytes);
    for (const text of bomb.texts.slice(0, -1)) a.add(text);
    const t0 = performance.now();
    let code = 'accepted';
    try {
      a.add(bomb.texts.at(-1)!);
    } catch (e) {
      code = codeOf(e);
    }
    return { ok: expected.includes(code), ms: performance.now() - t0 };
  };
}

export async function loadScaleStages(base: string): Promise<{ bodies: Partial<Record<StageId, StageBody>>; facts: Record<string, string | number> }> {
  const bytes = async (f: string) => {
    const res = await fetch(base + f);
    if (!res.ok) throw new Error(`${base}${f}: ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  };
  const [status, small, big, vical, presentation] = await Promise.all(['status.cbor', 'trust-small.cbor', 'trust-1000.cbor', 'vical-1000.cbor', 'presentation.cbor'].map(bytes));
  const meta = (await (await fetch(`${base}meta.json`)).json()) as ScaleMeta;
  const bombs = (await (await fetch(`${base}bombs.json`)).json()) as Record<'single' | 'sequence' | 'blocks' | 'desk', BombFixture>;
  const smallTrust = await openTrustList(small!, [anchorFromJson(meta.smallAnchor as never)]);
  const verifyWith = async (trust: TrustList) => (await verifyPresentation(presentation!, trust, [], new Date(meta.now))).verdict !== 'invalid';
  const bodies: Partial<Record<StageId, StageBody>> = {
    'status-list-1e8': async () => {
      const list = await openStatusList(status!, smallTrust);
      let revoked = 0;
      for (const i of meta.probes) if (statusAt(list, i) === 1) revoked++;
      return revoked >= 10;
    },
    'trust-list-1000': async () => verifyWith(await openTrustList(big!, [anchorFromJson(meta.bigAnchor as never)])),
    'vical-1000': async () => verifyWith((await openVical(vical!, [anchorFromJson(meta.vicalAnchor as never)])).trust),
    'qr-bomb-single': bombStage(bombs.single, ['credential/too-large']),
    'qr-bomb-sequence': bombStage(bombs.sequence, ['credential/too-large']),
    // Tiny blocks expand little: the stream is read to its (cut-off) end and refused as damaged.
    'qr-bomb-blocks': bombStage(bombs.blocks, ['credential/bad-deflate', 'credential/too-large']),
    'qr-bomb-desk': bombStage(bombs.desk, ['credential/too-large']),
  };
  return { bodies, facts: { ...meta.facts } };
}
