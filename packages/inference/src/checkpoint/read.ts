// One entry point for both checkpoint formats, chosen by file name (as the reference does).
import { readSafetensorsCheckpoint, type Gpt2Checkpoint } from './gpt2.js';
import { readPtCheckpoint } from './pt.js';
import { CheckpointError } from './safetensors.js';

export function readCheckpoint(path: string): Gpt2Checkpoint {
  if (path.endsWith('.safetensors')) return readSafetensorsCheckpoint(path);
  if (path.endsWith('.pt')) return readPtCheckpoint(path);
  throw new CheckpointError(`${path}: a checkpoint must be a .safetensors or .pt file`);
}
