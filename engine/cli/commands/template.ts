import { parseArgs, type CliCommand } from '../command.ts';
import { EidkitError } from '../../errors.ts';
import { faceTemplateFromFile } from '../../node-image.ts';
import { emit, path, required, writeBytes } from './credential-files.ts';

const usage = `usage: eidkit template <photo.jpg|photo.png> --out face.bin [--json]

Finds the main face in a portrait photo, checks it against the portrait quality gates (frontal, sharp, lit, eyes open)
and writes its face template: the bytes \`eidkit issue --template face.bin\` puts in the credential
(biometric_template_face). Models are read from the installed package; nothing leaves the machine.
Prints the template's model and version (issue reads them from the template itself).`;

export const templateCommand: CliCommand = {
  name: 'template',
  summary: 'make a face template (biometric_template_face) from a portrait photo, for eidkit issue --template',
  usage,
  async run(argv, io) {
    const args = parseArgs(argv);
    const json = args.flags.has('json');
    const photo = args.positional[0];
    if (!photo || args.positional.length > 1) throw new EidkitError('cli/usage', `Give one photo.\n\n${usage}`);
    const out = required(args, 'out', 'face.bin');
    const { template, quality } = await faceTemplateFromFile(path(io, photo));
    writeBytes(io, out, template.data);
    emit(
      io,
      json,
      { ok: true, out, model: template.model, version: template.version, bytes: template.data.length, qualityScore: quality.score },
      `Face template (${template.model} v${template.version}, ${template.data.length} bytes, quality ${quality.score.toFixed(2)}) → ${out}`,
    );
    return 0;
  },
};
