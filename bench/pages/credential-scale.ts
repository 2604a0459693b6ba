// The page side of bench/credential-scale.ts: the engine's own verifier code on the main thread (what CDP throttles).
import {
  anchorFromJson,
  openStatusList,
  openTrustList,
  openVical,
  statusAt,
  verifyPresentation,
  type TrustList,
} from '../../engine/credential/index.ts';

interface Meta {
  smallAnchor: unknown;
  bigAnchor: unknown;
  vicalAnchor: unknown;
  probes: number[];
  now: number;
}

const files: Record<string, Uint8Array> = {};
let meta: Meta;
let smallTrust: TrustList;

const g = globalThis as unknown as { scaleReady: boolean; scaleLoad(): Promise<void>; scaleRun(what: string): Promise<number> };

g.scaleLoad = async () => {
  for (const f of ['status.cbor', 'trust-small.cbor', 'trust-1000.cbor', 'vical-1000.cbor', 'presentation.cbor']) {
    files[f] = new Uint8Array(await (await fetch(`/${f}`)).arrayBuffer());
  }
  meta = (await (await fetch('/meta.json')).json()) as Meta;
  smallTrust = await openTrustList(files['trust-small.cbor']!, [anchorFromJson(meta.smallAnchor)]);
};

g.scaleRun = async (what) => {
  const t0 = performance.now();
  if (what === 'status-open+1000-lookups') {
    const list = await openStatusList(files['status.cbor']!, smallTrust);
    let revoked = 0;
    for (const i of meta.probes) if (statusAt(list, i) === 1) revoked++;
    if (revoked < 10) throw new Error('lookups wrong');
  } else {
    const trust =
      what === 'trust-1000-open+verify'
        ? await openTrustList(files['trust-1000.cbor']!, [anchorFromJson(meta.bigAnchor)])
        : (await openVical(files['vical-1000.cbor']!, [anchorFromJson(meta.vicalAnchor)])).trust;
    const r = await verifyPresentation(files['presentation.cbor']!, trust, [], new Date(meta.now));
    if (r.verdict === 'invalid') throw new Error(`verify failed: ${JSON.stringify(r.checks.filter((c) => c.outcome === 'fail'))}`);
  }
  return performance.now() - t0;
};

g.scaleReady = true;
