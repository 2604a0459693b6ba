/** How the desk hands an issued credential over: as a file, or as the animated QR the wallet scans. */
import { toQrFrames } from '../../engine/credential/index.ts';

export const credentialFrames = (bytes: Uint8Array): string[] => toQrFrames(bytes, { kind: 'C', chunkBytes: 600 });
export const credentialFileName = (documentNumber: string): string => `${documentNumber}.eidkit-credential`;
