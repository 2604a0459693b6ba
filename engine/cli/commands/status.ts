import type { CliCommand } from '../command.ts';
import { flagString, parseArgs } from '../command.ts';
import { EidkitError } from '../../errors.ts';
import { signerOf } from '../../credential/issuer-keys.ts';
import {
  createStatusList,
  setStatus,
  signStatusList,
  StatusValue,
  statusStateFromJson,
  statusStateToJson,
  type StatusListState,
  type StatusName,
} from '../../credential/status-list.ts';
import { emit, loadKey, numberFlag, readJson, required, writeBytes } from './credential-files.ts';

const usage = `usage: eidkit status init --state state.json --uri <list uri> [--size 100000] [--bits 2]
       eidkit status <revoke|suspend|reinstate> --state state.json --index <n> [--key ds.json --out status.cbor]
       eidkit status publish --state state.json --key ds.json --out status.cbor [--hours 24] [--ttl <seconds>]
       eidkit status show --state state.json [--index <n>]

state.json is the issuer's private working copy; status.cbor is the signed, compressed list verifiers load
(a token status list: one 2-bit entry per credential, 0 valid, 1 revoked, 2 suspended). A verifier treats a list past
its expiry as "status unknown", so publish at least as often as --hours.`;

const NAMES: Record<string, StatusName> = { revoke: 'invalid', suspend: 'suspended', reinstate: 'valid' };

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'revoke, suspend or reinstate credentials and publish the signed status list',
  usage,
  async run(argv, io) {
    const args = parseArgs(argv);
    const json = args.flags.has('json');
    const sub = args.positional[0];
    const statePath = required(args, 'state', 'state.json');
    const save = (s: StatusListState) => writeBytes(io, statePath, JSON.stringify(statusStateToJson(s)) + '\n', 0o600);
    if (sub === 'init') {
      const bits = numberFlag(args, 'bits', 2);
      if (![1, 2, 4, 8].includes(bits)) throw new EidkitError('cli/usage', '--bits must be 1, 2, 4 or 8.');
      const s = createStatusList(required(args, 'uri', 'uri'), numberFlag(args, 'size', 100_000), bits as 2);
      save(s);
      emit(io, json, { ok: true, state: statePath, uri: s.uri, size: s.statuses.length }, `Status list ${s.uri} with ${s.statuses.length} entries → ${statePath}`);
      return 0;
    }
    let state = statusStateFromJson(readJson(io, statePath));
    if (sub === 'show') {
      const idx = flagString(args, 'index');
      const counts = { valid: 0, invalid: 0, suspended: 0, allocated: 0 };
      state.statuses.forEach((v, i) => {
        if (state.allocated[i]) counts.allocated++;
        if (v === StatusValue.invalid) counts.invalid++;
        else if (v === StatusValue.suspended) counts.suspended++;
        else counts.valid++;
      });
      const entry = idx === undefined ? undefined : state.statuses[Number(idx)];
      const name = entry === undefined ? undefined : (Object.keys(StatusValue) as StatusName[]).find((k) => StatusValue[k] === entry);
      emit(io, json, { ok: true, uri: state.uri, size: state.statuses.length, ...counts, ...(idx !== undefined ? { index: Number(idx), status: name } : {}) },
        `${state.uri}: ${state.statuses.length} entries, ${counts.allocated} issued, ${counts.invalid} revoked, ${counts.suspended} suspended${idx !== undefined ? `; index ${idx} is ${name ?? 'outside the list'}` : ''}`);
      return 0;
    }
    if (sub && sub in NAMES) {
      const index = numberFlag(args, 'index', NaN);
      state = setStatus(state, index, NAMES[sub]!);
      save(state);
      if (!flagString(args, 'key')) {
        emit(io, json, { ok: true, index, status: NAMES[sub] }, `Index ${index} is now ${NAMES[sub]} (not yet published: run "eidkit status publish").`);
        return 0;
      }
    } else if (sub !== 'publish') {
      throw new EidkitError('cli/usage', `Unknown status action "${sub ?? ''}".\n\n${usage}`);
    }
    const key = await loadKey(io, required(args, 'key', 'ds.json'), 'ds');
    const out = required(args, 'out', 'status.cbor');
    const now = new Date();
    const ttl = flagString(args, 'ttl');
    const bytes = await signStatusList(state, { certificate: key.certificate!, signer: signerOf(key) }, {
      issuedAt: now,
      expiresAt: new Date(now.getTime() + numberFlag(args, 'hours', 24) * 3_600_000),
      ...(ttl ? { ttlSeconds: numberFlag(args, 'ttl', 0) } : {}),
    });
    writeBytes(io, out, bytes);
    emit(io, json, { ok: true, out, uri: state.uri, bytes: bytes.length }, `Signed status list for ${state.uri}, ${bytes.length} bytes → ${out}`);
    return 0;
  },
};
