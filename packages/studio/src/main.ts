// The studio page: wires the tool bar to the studio, and the test hook.
import './style.css';
import { chooseBackend } from './backend.js';
import { BrowserBackend } from './local/client.js';
import { Controls } from './controls.js';
import { acceptFiles, exampleFile, readFile } from './files.js';
import { Studio } from './studio.js';
import { LiveMode } from './live/panel.js';

const root = document.getElementById('studio')!;
const backend = await chooseBackend();
root.dataset['backend'] = backend.kind;
const controls = new Controls();
const studio = new Studio(root, controls, backend);
const live = new LiveMode(root, controls.roll, { piece: () => studio.piece, selection: () => studio.selection, stopPlayback: () => studio.stop() });
const liveButton = document.getElementById('live') as HTMLButtonElement;
liveButton.addEventListener('click', () => live.toggle());
if (backend.kind === 'browser') {
  // Live mode plays along over the server's WebSocket; a static page has none.
  liveButton.disabled = true;
  liveButton.title = 'live mode needs a server: midigpt serve --studio';
}

acceptFiles(controls.fileInput, (file) => void readFile(file).then((f) => studio.open(f)));
controls.open.addEventListener('click', () => controls.fileInput.click());
controls.example.addEventListener('click', () => void exampleFile().then((f) => studio.open(f)));
controls.play.addEventListener('click', () => void studio.togglePlay());
controls.infill.addEventListener('click', () => void studio.infill());
controls.addTrack.addEventListener('click', () => controls.addTrackDialog.showModal());
controls.addTrackDialog.addEventListener('close', () => {
  if (controls.addTrackDialog.returnValue === 'add') void studio.addTrack(controls.newTrack());
});
controls.cancel.addEventListener('click', () => studio.cancel());
controls.keep.addEventListener('click', () => studio.keep());
controls.discard.addEventListener('click', () => studio.discard());
controls.undo.addEventListener('click', () => studio.undo());
controls.redo.addEventListener('click', () => studio.redo());
controls.export.addEventListener('click', () => studio.exportMidi());
controls.onChoose = (take) => studio.choose(take);

window.addEventListener('keydown', (e) => {
  if (e.target instanceof HTMLInputElement || (e.key === ' ' && e.target instanceof HTMLButtonElement)) return;
  const mod = e.ctrlKey || e.metaKey;
  if (e.key === ' ') {
    e.preventDefault();
    void studio.togglePlay();
  } else if (mod && e.key.toLowerCase() === 'z') {
    e.preventDefault();
    if (e.shiftKey) studio.redo();
    else studio.undo();
  } else if (mod && e.key.toLowerCase() === 'y') {
    e.preventDefault();
    studio.redo();
  }
});

const modelLabel = document.getElementById('model')!;
if (backend instanceof BrowserBackend) {
  modelLabel.textContent = 'model: loading…';
  backend.onLoading = (loaded, total) => (modelLabel.textContent = `model: loading ${total ? `${Math.round((100 * loaded) / total)} %` : `${(loaded / 2 ** 20).toFixed(1)} MB`}`);
}
void backend
  .modelInfo()
  .then((info) => {
    modelLabel.textContent = `model: ${info.checkpoint ?? 'default'}`;
    controls.showAttributes(info.attribute_info ?? []);
  })
  .catch(() => (modelLabel.textContent = 'model: not reachable'));

/** For browser tests: where to press to select a bar (the state itself is in `data-*` of #studio). */
declare global {
  interface Window {
    __studio?: { point(track: number | null, bar: number): { x: number; y: number } };
  }
}
window.__studio = { point: (track, bar) => studio.roll.point(track, bar) };
